"use client";

import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from "react";

type Common = { label: string; error?: string; hint?: ReactNode; className?: string };

// Every control gets a real <label>, and its hint and error are tied to it with aria-describedby so a
// screen reader reads the error when the field is focused.
function useFieldIds(id?: string) {
  const auto = useId();
  const base = id ?? auto;
  return { id: base, hintId: `${base}-hint`, errorId: `${base}-error` };
}

function describedBy(ids: { hintId: string; errorId: string }, hint: unknown, error: unknown): string | undefined {
  const parts = [hint ? ids.hintId : null, error ? ids.errorId : null].filter(Boolean);
  return parts.length ? parts.join(" ") : undefined;
}

function Wrapper({
  ids,
  label,
  error,
  hint,
  className,
  children,
}: Common & { ids: ReturnType<typeof useFieldIds>; children: ReactNode }) {
  return (
    <div className={className}>
      <label htmlFor={ids.id} className="label">
        {label}
      </label>
      {children}
      {hint ? (
        <p id={ids.hintId} className="field-hint">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={ids.errorId} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function TextField({ label, error, hint, className, id, ...rest }: Common & InputHTMLAttributes<HTMLInputElement>) {
  const ids = useFieldIds(id);
  return (
    <Wrapper ids={ids} label={label} error={error} hint={hint} className={className}>
      <input
        id={ids.id}
        className="input"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(ids, hint, error)}
        {...rest}
      />
    </Wrapper>
  );
}

export function TextAreaField({
  label,
  error,
  hint,
  className,
  id,
  ...rest
}: Common & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const ids = useFieldIds(id);
  return (
    <Wrapper ids={ids} label={label} error={error} hint={hint} className={className}>
      <textarea
        id={ids.id}
        className="input min-h-20 font-normal"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(ids, hint, error)}
        {...rest}
      />
    </Wrapper>
  );
}

export type Option = { value: string; label: string };

export function SelectField({
  label,
  error,
  hint,
  className,
  id,
  options,
  ...rest
}: Common & SelectHTMLAttributes<HTMLSelectElement> & { options: readonly Option[] }) {
  const ids = useFieldIds(id);
  return (
    <Wrapper ids={ids} label={label} error={error} hint={hint} className={className}>
      <select
        id={ids.id}
        className="input"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(ids, hint, error)}
        {...rest}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Wrapper>
  );
}
