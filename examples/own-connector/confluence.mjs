// The Confluence Cloud side of the connector: REST v2 for spaces, pages, blog posts and space
// permissions, v1 for read restrictions and group members (v2 has neither). Basic auth with an
// API token; every URL is on the site host (https://NAME.atlassian.net).

export class Confluence {
  #site;
  #auth;
  #members = new Map();

  constructor({ site, email, apiToken }) {
    this.#site = site.replace(/\/+$/, "");
    this.#auth = `Basic ${Buffer.from(`${email}:${apiToken}`).toString("base64")}`;
  }

  async get(path) {
    const response = await fetch(`${this.#site}${path}`, {
      headers: { authorization: this.#auth, accept: "application/json" },
    });
    if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status} ${await response.text()}`);
    return response.json();
  }

  /** Every result of a paged listing (v2 cursors and v1 start/limit both give `_links.next`). */
  async all(path) {
    const results = [];
    for (let next = path; next; ) {
      const page = await this.get(next);
      results.push(...page.results);
      const link = page._links?.next;
      next = link ? (link.startsWith("/wiki/") ? link : `/wiki${link}`) : undefined;
    }
    return results;
  }

  spaces() {
    return this.all("/wiki/api/v2/spaces?limit=250");
  }

  /** Pages and blog posts of a space, each with its kind. */
  async contentOf(space) {
    const pages = await this.all(`/wiki/api/v2/spaces/${space.id}/pages?limit=250&status=current`);
    const posts = await this.all(`/wiki/api/v2/spaces/${space.id}/blogposts?limit=250&status=current`);
    return [...pages.map((p) => ({ ...p, kind: "page" })), ...posts.map((p) => ({ ...p, kind: "blogpost" }))];
  }

  /** Who may view the space: accounts (users and group members) and whether anonymous users may. */
  async spaceViewers(space) {
    const viewers = { anonymous: false, accounts: new Map() };
    for (const grant of await this.all(`/wiki/api/v2/spaces/${space.id}/permissions?limit=250`)) {
      if (grant.operation.key !== "read" || grant.operation.targetType !== "space") continue;
      const { type, id } = grant.principal;
      if (type === "anonymous") viewers.anonymous = true;
      if (type === "user") viewers.accounts.set(id, await this.emailOf(id));
      if (type === "group")
        for (const [account, email] of await this.members(id)) viewers.accounts.set(account, email);
    }
    return viewers;
  }

  /** The accounts a content's own read restriction names (users and group members), or null when it has none. */
  async readRestriction(contentId) {
    const { restrictions } = await this.get(
      `/wiki/rest/api/content/${contentId}/restriction/byOperation/read?expand=restrictions.user,restrictions.group`,
    );
    const users = restrictions.user?.results ?? [];
    const groups = restrictions.group?.results ?? [];
    if (users.length === 0 && groups.length === 0) return null;
    const accounts = new Map(users.map((u) => [u.accountId, u.email]));
    for (const group of groups)
      for (const [account, email] of await this.members(group.id)) accounts.set(account, email);
    return accounts;
  }

  async members(groupId) {
    if (!this.#members.has(groupId)) {
      const users = await this.all(`/wiki/rest/api/group/${groupId}/membersByGroupId?limit=200`);
      this.#members.set(groupId, new Map(users.map((u) => [u.accountId, u.email])));
    }
    return this.#members.get(groupId);
  }

  async emailOf(accountId) {
    const user = await this.get(`/wiki/rest/api/user?accountId=${encodeURIComponent(accountId)}`);
    return user.email;
  }
}
