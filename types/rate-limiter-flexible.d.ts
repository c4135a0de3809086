// rate-limiter-flexible's index re-exports every store (Redis, Mongo, Drizzle…),
// some through dynamic imports; Lakebook loads only the modules it uses.
declare module "rate-limiter-flexible/lib/RateLimiterStoreAbstract" {
  import { RateLimiterStoreAbstract } from "rate-limiter-flexible";
  export = RateLimiterStoreAbstract;
}
declare module "rate-limiter-flexible/lib/RateLimiterMemory" {
  import { RateLimiterMemory } from "rate-limiter-flexible";
  export = RateLimiterMemory;
}
declare module "rate-limiter-flexible/lib/RateLimiterRes" {
  import { RateLimiterRes } from "rate-limiter-flexible";
  export = RateLimiterRes;
}
