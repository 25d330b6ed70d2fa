import type { ReactNode } from 'react';
import { label } from '../format';

/**
 * A labelled select over values shown with their human label, optionally led by an empty choice named `any`
 * (then `V` includes '').
 */
export function ValueSelect<V extends string>(props: {
  caption: string;
  value: V;
  values: readonly V[];
  onChange(value: NoInfer<V>): void;
  any?: string;
  name?: string;
}) {
  return (
    <label>
      {props.caption}
      <select name={props.name} value={props.value} onChange={(event) => props.onChange(event.target.value as V)}>
        {props.any !== undefined && <option value="">{props.any}</option>}
        {props.values.map((value) => (
          <option key={value} value={value}>
            {label(value)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A filter form's buttons: submit, Clear, then any further ones. */
export function FilterButtons({
  submit,
  onClear,
  children,
}: {
  submit: string;
  onClear: () => void;
  children?: ReactNode;
}) {
  return (
    <div className="filters__buttons">
      <button type="submit" className="primary">
        {submit}
      </button>
      <button type="button" onClick={onClear}>
        Clear
      </button>
      {children}
    </div>
  );
}
