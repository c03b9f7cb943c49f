// Passwords: better-auth's hashing (scrypt) with our length rules.
import { ValidationError } from "../errors";
import { getAuth, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "./auth";

export { insertAccount, setPasswordHash, type NewAccount } from "./account-rows";

export async function hashPassword(password: string): Promise<string> {
  checkPassword(password);
  const ctx = await (await getAuth()).$context;
  return ctx.password.hash(password);
}

export function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw new ValidationError("the password does not fit the rules", [
      { path: "password", message: `must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters` },
    ]);
  }
}
