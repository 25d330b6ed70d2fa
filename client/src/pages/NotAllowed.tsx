import { homeFor } from '../roles';
import { Link } from '../router';
import type { Role } from '../api/types';

export function NotAllowed({ role }: { role: Role }) {
  return (
    <section className="card" aria-labelledby="not-allowed">
      <h1 id="not-allowed">Not allowed</h1>
      <p>Your role ({role}) may not open this page.</p>
      <p>
        <Link to={homeFor(role)}>Go to your start page</Link>
      </p>
    </section>
  );
}

export function NotFound() {
  return (
    <section className="card">
      <h1>Page not found</h1>
      <p>
        <Link to="/">Go to your start page</Link>
      </p>
    </section>
  );
}
