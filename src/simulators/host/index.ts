export { installAdminApi } from "./admin.ts";
export { SimClock } from "./clock.ts";
export { createDirectFetch } from "./direct.ts";
export { FaultPlan, type FaultPlanSpec, type FaultRule, faultPlanSchema } from "./faults.ts";
export { type DispatchResult, SimHost, type SimHostOptions } from "./host.ts";
export { createExpressApp, type RunningServer, startHttpServer } from "./http.ts";
export { type JournalEntry, RequestJournal } from "./journal.ts";
export { createMswHandlers, interceptWithMsw, letClientsCancelBodies } from "./msw.ts";
export {
  empty,
  type Handler,
  type HttpMethod,
  json,
  type Route,
  type RouteContext,
  type Service,
  type TwinPlugin,
  text,
} from "./types.ts";
