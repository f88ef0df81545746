import { databaseTargetFromEnv } from "./src/config";
import { createDataSource } from "./src/database/data-source";

/**
 * The DataSource the TypeORM CLI uses, built by the same factory as the app
 * (`npx typeorm-ts-node-commonjs -d ormconfig.ts migration:show`). Reads DATABASE_URL only.
 */
export const dataSource = createDataSource(databaseTargetFromEnv());
