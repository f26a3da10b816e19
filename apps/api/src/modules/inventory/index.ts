/**
 * The inventory module's door: importing and exporting the bot inventory (files and the CLI). It
 * owns no table; bots are written through the bots module's `writeBot`, their credential
 * references through the credentials module's `replaceCredentialReferences`, systems through the
 * systems module.
 * - routes: `inventoryRoutes` (`/inventory/import`, `/inventory/export`);
 * - service: `createInventoryService` (`importRecords`, `exportInventory`), used by the routes,
 *   the CLI and the bootstrap seed; `parseInventoryFile`, `inventoryCsv`, `loadBotsAsInput`.
 */
export { inventoryRoutes } from "./inventory.routes.ts";
export { createInventoryService, inventoryCsv, type InventoryService } from "./inventory.service.ts";
export { parseInventoryFile, type ImportFormat } from "./inventory.parse.ts";
export { loadBotsAsInput } from "./inventory.repo.ts";
