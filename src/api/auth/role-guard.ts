/**
 * Who may call each route, declared on the route itself: `config: { roles: [...] }` (admin
 * always may, as `hasRole` says), or `config: { public: true }` for a route that needs no bearer
 * token at the door (health, metrics, console assets, and alert ingestion, which authenticates
 * its own senders in auth/alert-auth.ts). `refusal` is what a refused caller reads after their
 * name.
 * Invariants: a route that declares neither — or both — is refused when it is registered, so
 * the API does not start (forgetting a role check is a start-up error, not a hole); one
 * preValidation hook enforces every declaration, after the body is parsed (a body that is not
 * JSON stays a 400) and before any schema validation or handler (a caller without the role gets
 * 403 whatever they send).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { forbidden, unauthorized } from '../errors';
import { hasRole, roles, type Identity, type Role } from './operators';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Roles that may call the route (admin may call every route). */
    roles?: readonly Role[];
    /** No bearer token needed at the door. */
    public?: true;
    /** The 403's message after the caller's name, e.g. `may not read plans`. */
    refusal?: string;
  }
  interface FastifyRequest {
    identity?: Identity;
  }
}

/** Every role: any authenticated identity may call the route. */
export const anyOperator: readonly Role[] = roles;

export function installRoleGuard(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const config = route.config ?? {};
    const declared = (config.roles?.length ? 1 : 0) + (config.public === true ? 1 : 0);
    if (declared !== 1) {
      throw new Error(
        `${String(route.method)} ${route.url} must declare exactly one of config.roles (who may call it) or config.public: true`,
      );
    }
  });
  app.addHook('preValidation', async (request) => {
    const { roles: allowed, refusal } = request.routeOptions.config;
    if (!allowed) return;
    const identity = operator(request);
    if (!hasRole(identity, ...allowed)) {
      throw forbidden(
        `${identity.name} ${refusal ?? `may not call ${request.method} ${request.routeOptions.url} (${[...allowed, 'admin'].join(', ')})`}`,
      );
    }
  });
}

/** The authenticated caller of a route that declares roles (the guard has already admitted them). */
export function operator(request: FastifyRequest): Identity {
  if (!request.identity) throw unauthorized();
  return request.identity;
}
