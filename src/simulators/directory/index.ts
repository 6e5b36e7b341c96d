export { createLoginService } from "./login-service.ts";
export {
  type AppRegistration,
  DEFAULT_DELEGATED_SCOPES,
  DEFAULT_USER_PASSWORD,
  Directory,
  DirectoryError,
  type DirectoryGroup,
  type DirectorySpec,
  type DirectoryUser,
  deterministicGuid,
} from "./model.ts";
export {
  type Caller,
  GRAPH_AUDIENCE,
  type GraphTokenClaims,
  TokenIssuer,
  type TokenIssuerOptions,
} from "./tokens.ts";
