// Long lists without long DOM: only the rows in view (plus a margin) exist, positioned inside a
// spacer as tall as the whole list. Rows have one fixed height.

export class VirtualList {
  /**
   * @param {HTMLElement} scroller an element with overflow: auto (the list fills it)
   * @param {{rowHeight: number, render: (index: number) => HTMLElement, header?: HTMLElement}} options
   */
  constructor(scroller, { rowHeight, render, header }) {
    this.scroller = scroller;
    this.rowHeight = rowHeight;
    this.render = render;
    this.count = 0;
    this.spacer = document.createElement("div");
    this.spacer.className = "vspacer";
    scroller.replaceChildren(...(header ? [header] : []), this.spacer);
    this.header = header;
    let queued = false;
    scroller.addEventListener("scroll", () => {
      if (queued) return;
      queued = true;
      requestAnimationFrame(() => {
        queued = false;
        this.refresh();
      });
    });
    new ResizeObserver(() => this.refresh()).observe(scroller);
  }

  setCount(count) {
    this.count = count;
    this.spacer.style.height = `${count * this.rowHeight}px`;
    this.refresh();
  }

  /** The indices in view: [start, end). */
  range() {
    const top = Math.max(0, this.scroller.scrollTop - (this.header?.offsetHeight ?? 0));
    const start = Math.max(0, Math.floor(top / this.rowHeight) - 5);
    const end = Math.min(this.count, Math.ceil((top + this.scroller.clientHeight) / this.rowHeight) + 5);
    return { start, end };
  }

  /** Renders the rows in view again (data changed, or scrolled); keyboard focus stays where it was. */
  refresh() {
    const active = document.activeElement;
    const row = active && this.spacer.contains(active) ? active.closest("[data-index]") : null;
    const focus = row && { index: row.dataset.index, u: active.dataset.u };
    const { start, end } = this.range();
    const rows = [];
    for (let i = start; i < end; i++) {
      const row = this.render(i);
      row.style.position = "absolute";
      row.style.top = `${i * this.rowHeight}px`;
      row.style.height = `${this.rowHeight}px`;
      row.dataset.index = String(i);
      rows.push(row);
    }
    this.spacer.replaceChildren(...rows);
    if (focus) {
      const again = this.rowElement(focus.index);
      (focus.u === undefined ? again : again?.querySelector(`[data-u="${focus.u}"]`))?.focus({
        preventScroll: true,
      });
    }
  }

  /** Scrolls just enough to show row `index`. */
  reveal(index) {
    const head = this.header?.offsetHeight ?? 0;
    const top = index * this.rowHeight;
    const view = this.scroller.clientHeight - head;
    if (top < this.scroller.scrollTop) this.scroller.scrollTop = top;
    else if (top + this.rowHeight > this.scroller.scrollTop + view)
      this.scroller.scrollTop = top + this.rowHeight - view;
    this.refresh();
  }

  /** The rendered row element for `index`, if in view. */
  rowElement(index) {
    return this.spacer.querySelector(`[data-index="${index}"]`);
  }
}

/**
 * Rows of a server-paged listing, fetched a page at a time as they come into view. `refresh()`
 * marks every page stale: pages in view are fetched again, showing the old rows meanwhile.
 */
export class Windowed {
  /**
   * @param {(offset: number, limit: number) => Promise<{total: number, rows: unknown[]}>} load
   * @param {{pageSize?: number, onChange: (info: object) => void}} options
   */
  constructor(load, { pageSize = 200, onChange }) {
    this.load = load;
    this.pageSize = pageSize;
    this.onChange = onChange;
    this.total = undefined;
    this.pages = new Map();
    this.generation = 0;
  }

  /** Row `index`, or undefined while its page loads (the page is requested). */
  get(index) {
    const number = Math.floor(index / this.pageSize);
    const page = this.pages.get(number);
    if (!page || (page.stale && !page.loading)) this.fetch(number);
    return page?.rows[index - number * this.pageSize];
  }

  /** Loads the first page (and learns the total). */
  start() {
    return this.fetch(0);
  }

  refresh() {
    for (const page of this.pages.values()) page.stale = true;
    this.generation++;
    this.onChange({});
  }

  /** Drops everything (the query changed). */
  reset() {
    this.pages.clear();
    this.total = undefined;
    this.generation++;
  }

  async fetch(number) {
    const generation = this.generation;
    const page = this.pages.get(number) ?? { rows: [], stale: true };
    page.loading = true;
    this.pages.set(number, page);
    let result;
    try {
      result = await this.load(number * this.pageSize, this.pageSize);
    } catch (error) {
      page.loading = false;
      this.onChange({ error });
      return;
    }
    page.loading = false;
    if (this.pages.get(number) !== page) return; // reset meanwhile
    const same = result.total === this.total && JSON.stringify(result.rows) === JSON.stringify(page.rows);
    page.rows = result.rows;
    page.stale = generation !== this.generation;
    if (same) return; // a refresh that changed nothing redraws nothing
    const totalChanged = result.total !== this.total;
    this.total = result.total;
    this.onChange({ totalChanged, result });
  }
}
