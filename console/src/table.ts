/**
 * A table that stays responsive at a million rows: it keeps at most `limit` rows for display
 * (the stream goes on counting past it), and puts in the DOM only the rows in view.
 */
const ROW_HEIGHT = 24;
const OVERSCAN = 10;

export class VirtualTable {
  private columns: { name: string; type: string }[] = [];
  private rows: (string | null)[][] = [];
  private readonly spacer: HTMLDivElement;
  private readonly table: HTMLTableElement;
  private readonly body: HTMLTableSectionElement;
  private readonly head: HTMLTableSectionElement;
  private drawn = '';
  private pending = false;

  constructor(
    private readonly viewport: HTMLElement,
    readonly limit: number,
  ) {
    this.spacer = document.createElement('div');
    this.spacer.className = 'spacer';
    this.table = document.createElement('table');
    this.head = this.table.createTHead();
    this.body = this.table.createTBody();
    this.spacer.append(this.table);
    viewport.replaceChildren(this.spacer);
    viewport.addEventListener('scroll', () => this.schedule());
    window.addEventListener('resize', () => this.schedule());
  }

  /** True once rows were offered that did not fit in `limit`. */
  get full(): boolean {
    return this.rows.length >= this.limit;
  }

  get kept(): number {
    return this.rows.length;
  }

  reset(columns: { name: string; type: string }[]): void {
    this.columns = columns;
    this.rows = [];
    const tr = document.createElement('tr');
    for (const c of columns) {
      const th = document.createElement('th');
      th.textContent = c.name;
      const type = document.createElement('small');
      type.textContent = c.type;
      th.append(document.createElement('br'), type);
      tr.append(th);
    }
    this.head.replaceChildren(tr);
    this.viewport.scrollTop = 0;
    this.drawn = '';
    this.schedule();
  }

  /** Keeps `cells` for display if there is room; returns false once there is none. */
  add(cells: (string | null)[]): boolean {
    if (this.rows.length >= this.limit) return false;
    this.rows.push(cells);
    this.schedule();
    return true;
  }

  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.draw();
    });
  }

  /** Redraws the rows in view, only when the window or what it shows changed. */
  private draw(): void {
    this.spacer.style.height = `${(this.rows.length + 2) * ROW_HEIGHT}px`;
    const first = Math.max(0, Math.floor(this.viewport.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const count = Math.ceil(this.viewport.clientHeight / ROW_HEIGHT) + 2 * OVERSCAN;
    const last = Math.min(this.rows.length, first + count);
    const key = `${first}:${last}:${this.columns.length}`;
    if (key === this.drawn) return;
    this.drawn = key;
    this.table.style.transform = `translateY(${first * ROW_HEIGHT}px)`;
    const trs: HTMLTableRowElement[] = [];
    for (let i = first; i < last; i++) {
      const tr = document.createElement('tr');
      for (const cell of this.rows[i]) {
        const td = document.createElement('td');
        if (cell === null) {
          td.textContent = 'NULL';
          td.className = 'null';
        } else td.textContent = cell;
        tr.append(td);
      }
      trs.push(tr);
    }
    this.body.replaceChildren(...trs);
  }
}
