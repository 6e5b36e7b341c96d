export {
  type AppRegistration,
  DEFAULT_DELEGATED_SCOPES,
  DEFAULT_USER_PASSWORD,
  DirectoryError,
  type DirectoryGroup,
  type DirectorySpec,
  type DirectoryUser,
  deterministicGuid,
} from "./model.ts";
export { createLoginService, directoryPlugin } from "./service.ts";
export { Directory } from "./store.ts";
export {
  type Caller,
  GRAPH_AUDIENCE,
  type GraphTokenClaims,
  TokenIssuer,
  type TokenIssuerOptions,
} from "./tokens.ts";
export { DirectoryTwin } from "./twin.ts";
