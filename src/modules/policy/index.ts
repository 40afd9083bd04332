/*
 * Access policy, in one place: roles and their ranking, partner scopes, the workflow table, and
 * `can(viewer, act)` for everything a viewer may or may not do. The auth checker, services and
 * transports ask here; none of them holds a rule of its own.
 */
export { hasRole } from "./roles";
export { Scope } from "./scopes";
export { Transition, WORKFLOW, isTransition } from "./workflow";
export { Action, type Act, allowedFrom, assertCan, can, checkTransition, refusal, staffRefusal } from "./can";
export { audienceFor, PUBLIC_AUDIENCE, type Audience, type Rights } from "./audience";
