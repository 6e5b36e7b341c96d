/** Glob → RegExp: `*` matches within one segment (or one host label), `**` across segments. */
export function globToRegExp(glob: string, separator = "/"): RegExp {
  const sep = separator === "." ? "\\." : "/";
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*" && glob[i + 1] === "*") {
      re += ".*";
      i++;
    } else if (c === "*") {
      re += `[^${sep}]*`;
    } else if (c === "?") {
      re += `[^${sep}]`;
    } else {
      re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
    }
  }
  return new RegExp(`^${re}$`, "i");
}
