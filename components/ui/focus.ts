/** Moves keyboard focus to the first field (in visual order) that has an error, so it is read out. */
export function focusFirstError<F extends string>(order: readonly F[], errors: Partial<Record<F, string>>, idOf: (f: F) => string) {
  const first = order.find((f) => errors[f]);
  if (first) document.getElementById(idOf(first))?.focus();
}
