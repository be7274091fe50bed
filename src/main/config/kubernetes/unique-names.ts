/** Kubernetes object names: DNS-1123 labels, at most 63 characters. */
const MAX_NAME = 63;

/**
 * Hands out Kubernetes names made from local ones: lowercased, other characters as `-`, and
 * a `-2`, `-3`... suffix where two local names would become one.
 */
export class UniqueNames {
  private readonly taken = new Set<string>();

  take(wanted: string): string {
    const base = kubernetesName(wanted);
    let name = base;
    for (let n = 2; this.taken.has(name); n++) {
      const suffix = `-${n}`;
      name = `${base.slice(0, MAX_NAME - suffix.length).replace(/-+$/, "")}${suffix}`;
    }
    this.taken.add(name);
    return name;
  }
}

export function kubernetesName(wanted: string): string {
  const name = wanted
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .slice(0, MAX_NAME)
    .replace(/^-+|-+$/g, "");
  return name || "unnamed";
}
