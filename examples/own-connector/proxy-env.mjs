// Preload (`node --import ./proxy-env.mjs …`): routes the built-in fetch through HTTPS_PROXY /
// HTTP_PROXY (honouring NO_PROXY) on Node versions whose fetch ignores those variables — Node 20,
// and Node 22 before 22.21 / 24 before 24.5 or without NODE_USE_ENV_PROXY=1. The Graph SDK and this
// connector's Confluence client use the global fetch; @azure/identity reads HTTPS_PROXY itself.
// undici is the library Node's own fetch is built from; its EnvHttpProxyAgent reads the same
// variables Node ≥ 22.21 reads natively.
import { EnvHttpProxyAgent, setGlobalDispatcher } from "undici";

const [major, minor] = process.versions.node.split(".").map(Number);
const nativeEnvProxy =
  process.env.NODE_USE_ENV_PROXY === "1" &&
  (major > 24 || (major === 24 && minor >= 5) || (major === 22 && minor >= 21));
const proxied =
  process.env.HTTPS_PROXY || process.env.https_proxy || process.env.HTTP_PROXY || process.env.http_proxy;

if (proxied && !nativeEnvProxy) setGlobalDispatcher(new EnvHttpProxyAgent());
