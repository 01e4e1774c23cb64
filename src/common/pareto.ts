// The trade-off frontier behind a sweep's "P S T" marks (core/sweep/aggregate.ts) and the sweep panel's plots: here,
// beside the types, so that the browser side can compute it for the axes a user picks.

export interface FrontierPoint {
  id: string;
  x: number; // a cost: lower is better
  y: number; // a score: higher is better
}

/**
 * The ids of the points no other point dominates, in input order. A point is dominated when another has x ≤ and
 * y ≥ with at least one of them strict; so points that tie on both stay on the frontier together.
 */
export function paretoFrontier(points: FrontierPoint[]): string[] {
  const dominated = (p: FrontierPoint) => points.some((q) => q.x <= p.x && q.y >= p.y && (q.x < p.x || q.y > p.y));
  return points.filter((p) => !dominated(p)).map((p) => p.id);
}
