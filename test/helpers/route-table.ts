/** The routes a Fastify instance has registered, read from its own route table (not a hand list). */
import type { FastifyInstance } from 'fastify';

export interface Route {
  method: string;
  path: string;
}

/**
 * The route table from `printRoutes({ commonPrefix: false })`: one line per node, four
 * characters of tree drawing per level, the node's path segment, then its methods.
 */
export function routesFromTree(tree: string): Route[] {
  const out: Route[] = [];
  const prefixes: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^((?:[│ ] {3})*)[├└]── (\S+)(?: \(([A-Z, ]+)\))?$/u.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    const full = (depth > 0 ? prefixes[depth - 1]! : '') + m[2]!;
    prefixes[depth] = full;
    prefixes.length = depth + 1;
    for (const method of m[3]?.split(',').map((x) => x.trim()) ?? []) out.push({ method, path: full });
  }
  return out;
}

export const registeredRoutes = (app: FastifyInstance): Route[] => routesFromTree(app.printRoutes({ commonPrefix: false }));
