// The people the war room offers as action-item owners.
import type { UserActor } from "../../auth/policy";
import { getPrisma } from "../../db";
import { assignablePeople } from "../../warroom/people";

export async function listPeople(_actor: UserActor): Promise<Array<{ id: string; name: string }>> {
  return assignablePeople(await getPrisma());
}
