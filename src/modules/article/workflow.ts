// The workflow table lives in the access policy; re-exported for the modules that drive transitions.
export { Transition, WORKFLOW, allowedFrom, checkTransition } from "../policy";
