import { IsNull, type DataSource } from "typeorm";
import { AccessRecord } from "../../src/model/access-record.entity";
import { AdminAction } from "../../src/model/admin-action.entity";
import { AdminChange } from "../../src/model/admin-change.entity";

/** Records of the three kinds the sequencer has not given a leaf yet. */
export async function unsequencedRecords(dataSource: DataSource): Promise<number> {
  const counts = await Promise.all([
    dataSource.getRepository(AccessRecord).countBy({ logIndex: IsNull() }),
    dataSource.getRepository(AdminAction).countBy({ logIndex: IsNull() }),
    dataSource.getRepository(AdminChange).countBy({ logIndex: IsNull() }),
  ]);
  return counts.reduce((a, b) => a + b, 0);
}

/** Waits (up to 10 s) until the sequencer has given every record its leaf; a gateway with TRANSPARENCY_MERGE_DELAY_SECONDS=0.1 takes a fraction of a second. */
export async function waitUntilSequenced(dataSource: DataSource): Promise<void> {
  for (let attempt = 0; attempt < 200 && (await unsequencedRecords(dataSource)) > 0; attempt += 1) await new Promise(resolve => setTimeout(resolve, 50));
  expect(await unsequencedRecords(dataSource)).toBe(0);
}

/** Records of the three kinds, sequenced or not: the size a checkpoint covering them all has. */
export async function recordCount(dataSource: DataSource): Promise<number> {
  const counts = await Promise.all([AccessRecord, AdminAction, AdminChange].map(entity => dataSource.getRepository(entity).count()));
  return counts.reduce((a, b) => a + b, 0);
}

/**
 * Waits until every record has its leaf and the gateway at `base` serves a checkpoint covering
 * them all (an instance serves a signed checkpoint again for up to a second), and returns that
 * checkpoint's note.
 */
export async function waitForCheckpoint(dataSource: DataSource, base: string): Promise<string> {
  await waitUntilSequenced(dataSource);
  const size = String(await recordCount(dataSource));
  let note = "";
  for (let attempt = 0; attempt < 40; attempt += 1) {
    note = await (await fetch(`${base}/transparency/checkpoint`)).text();
    if (note.split("\n")[1] === size) return note;
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  expect(note.split("\n")[1]).toBe(size);
  return note;
}
