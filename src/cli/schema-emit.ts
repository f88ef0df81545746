import "reflect-metadata";
import { writeFileSync } from "node:fs";
import { buildContractSchema } from "../schema";
import { SCHEMA_FILE, printContract } from "../schema-sdl";

void buildContractSchema().then(schema => {
  writeFileSync(SCHEMA_FILE, printContract(schema));
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
});
