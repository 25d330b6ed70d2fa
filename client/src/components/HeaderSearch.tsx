import { useEffect, useState, type FormEvent } from 'react';
import { navigate, useLocation } from '../router';

/** The claim search field of every staff page's header: opens /search?q=… (claim id, reference, policy, claimant). */
export function HeaderSearch() {
  const { path, search } = useLocation();
  const current = path === '/search' ? (new URLSearchParams(search).get('q') ?? '') : '';
  const [value, setValue] = useState(current);
  useEffect(() => setValue(current), [current]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const q = value.trim();
    if (q) navigate(`/search?q=${encodeURIComponent(q)}`);
  };
  return (
    <form role="search" className="header-search" onSubmit={submit} aria-label="Claims">
      {/* Kept short and distinct: "Find claims" names no field of any page (tests locate fields by label). */}
      <label htmlFor="header-search-input" className="sr-only">
        Find claims
      </label>
      <input
        id="header-search-input"
        type="search"
        name="q"
        placeholder="Claim, reference, policy, claimant"
        title="A claim id, or part of a reference, policy number or claimant reference"
        value={value}
        maxLength={100}
        onChange={(event) => setValue(event.target.value)}
      />
      <button type="submit">Find</button>
    </form>
  );
}
