/*
 * picture.c: kmfuzz picture [--target T] FILE [-o OUT.svg]
 *
 * Draw the address map as it stood just before the failing op (or, for
 * a clean input, at the end of the program before everything is
 * released): run FILE once to find the failing op k, then run the ops
 * 0..k-1 of its trace with harness_config.keep_state so the instance
 * stays as the last of them left it, and draw:
 *
 *   kernel_map  |boot|a1 |  gap  |m1 (submap)   |pool run|     gap      |
 *   mappings     '' '''            ' '            '
 *   m1             |a2|   gap    |
 *
 * - each map a horizontal bar, submaps nested below the entry that holds
 *   them, all on one address scale;
 * - the scale is piecewise: every entry and every gap is one segment
 *   whose width grows with log2 of its page count, so a one-page
 *   allocation stays visible beside 60 MiB of free space;
 * - entries colored by what they are: WIRED, PAGEABLE, VAONLY, the
 *   boot reservation, a KVA-cache pool-page run (its items in use
 *   darker), an uncached pool page, a submap;
 * - one tick per mapped page (host->foreach_mapping);
 * - the failing op's range in red, and a caption with the checker and
 *   the message.
 * Plain SVG text: every element has a <title> (hover for addresses).
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage_picture[] =
"usage: kmfuzz picture [--target T] [--variant cached|direct] FILE "
"[-o OUT.svg]\n"
"Run FILE (bytes or text) up to, not including, the op that fails and\n"
"draw the address map then (kernel map, submaps, entries by type, mapped\n"
"pages, the failing op's range in red) as SVG to OUT.svg or stdout.  A\n"
"clean input is drawn as the program leaves it, before the release.\n"
"Exit 0 written, 2 bad input.\n";

#define PIC_LEFT	110.0	/* room for the row labels */
#define PIC_WIDTH	1100.0	/* the address scale */
#define PIC_TOP		70.0
#define PIC_ROW		80.0
#define PIC_BAR		34.0
#define PIC_MAXBP	4096

struct pic {
	FILE		*fp;
	struct harness	*h;
	vaddr_t		lo, hi;		/* the kernel map */
	vaddr_t		bp[PIC_MAXBP];	/* segment breakpoints */
	double		bx[PIC_MAXBP];	/* their x */
	unsigned int	nbp;
	vaddr_t		hl_start, hl_end; /* highlight, 0 0 for none */
};

static void
xml_text(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&': fputs("&amp;", fp); break;
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '"': fputs("&quot;", fp); break;
		default:
			if ((unsigned char)*s >= 0x20 && (unsigned char)*s < 0x7f)
				fputc(*s, fp);
		}
	}
}

static void
add_bp(struct pic *p, vaddr_t va)
{
	if (va < p->lo)
		va = p->lo;
	if (va > p->hi)
		va = p->hi;
	if (p->nbp < PIC_MAXBP)
		p->bp[p->nbp++] = va;
}

static int
cmp_va(const void *a, const void *b)
{
	vaddr_t x = *(const vaddr_t *)a, y = *(const vaddr_t *)b;

	return x < y ? -1 : x > y;
}

static double
seg_weight(vaddr_t a, vaddr_t b)
{
	double pages = (double)((b - a) >> PAGE_SHIFT), l = 0;

	while (pages >= 2) {	/* log2, without libm */
		pages /= 2;
		l += 1;
	}
	return 6.0 + 9.0 * (l + pages - 1);
}

/* Breakpoints sorted and unique; x of each, the total scaled to fit. */
static void
layout(struct pic *p)
{
	unsigned int n = 0;
	double total = 0;

	qsort(p->bp, p->nbp, sizeof(p->bp[0]), cmp_va);
	for (unsigned int i = 0; i < p->nbp; i++)
		if (n == 0 || p->bp[i] != p->bp[n - 1])
			p->bp[n++] = p->bp[i];
	p->nbp = n;
	p->bx[0] = 0;
	for (unsigned int i = 1; i < n; i++) {
		total += seg_weight(p->bp[i - 1], p->bp[i]);
		p->bx[i] = total;
	}
	for (unsigned int i = 0; i < n; i++)
		p->bx[i] = PIC_LEFT + p->bx[i] * PIC_WIDTH / (total > 0 ?
		    total : 1);
}

static double
xof(const struct pic *p, vaddr_t va)
{
	unsigned int lo = 0, hi = p->nbp - 1;

	if (va <= p->bp[0])
		return p->bx[0];
	if (va >= p->bp[hi])
		return p->bx[hi];
	while (hi - lo > 1) {
		unsigned int mid = (lo + hi) / 2;

		if (p->bp[mid] <= va)
			lo = mid;
		else
			hi = mid;
	}
	return p->bx[lo] + (p->bx[hi] - p->bx[lo]) *
	    (double)(va - p->bp[lo]) / (double)(p->bp[hi] - p->bp[lo]);
}

/* ---- what an entry is ---------------------------------------------------- */

enum kind { K_BOOT, K_WIRED, K_PAGEABLE, K_VAONLY, K_POOLRUN, K_POOLPAGE,
	K_SUBMAP, K_UNOWNED, K_COUNT };
static const char *const kind_name[K_COUNT] = { "boot reservation",
	"WIRED", "PAGEABLE", "VAONLY", "KVA-cache pool-page run",
	"pool page (uncached)", "submap", "no owner in the shadow" };
static const char *const kind_color[K_COUNT] = { "#9e9e9e", "#4a7fd4",
	"#4caf50", "#f0c419", "#b48ad6", "#e07bb5", "#d6eef6", "#ffffff" };

static enum kind
entry_kind(const struct pic *p, struct vm_map *map,
    const struct vm_map_entry *e, char *name, size_t len)
{
	struct harness *h = p->h;

	name[0] = '\0';
	if (e->flags & UVM_MAP_FIRST)
		return K_BOOT;
	if (e->flags & UVM_MAP_SUBMAP) {
		for (unsigned int i = 0; i < h->nmaps; i++)
			if (h->maps[i].map == e->object.sub_map)
				snprintf(name, len, "m%u", h->maps[i].id);
		return K_SUBMAP;
	}
	if ((map->flags & VM_MAP_VACACHE) &&
	    pool_contains(&vm_map_to_kernel(map)->vmk_vacache, e->start, NULL))
		return K_POOLRUN;
	for (unsigned int i = 0; i < h->nallocs; i++) {
		const struct hs_alloc *a = &h->allocs[i];

		if (a->va == e->start) {
			snprintf(name, len, "a%u", a->id);
			switch (a->flags & UVM_KMF_TYPEMASK) {
			case UVM_KMF_WIRED: return K_WIRED;
			case UVM_KMF_PAGEABLE: return K_PAGEABLE;
			default: return K_VAONLY;
			}
		}
	}
	for (unsigned int i = 0; i < h->npool; i++)
		if (h->pool[i].va == e->start) {
			snprintf(name, len, "p%u", h->pool[i].id);
			return K_POOLPAGE;
		}
	if (e->object.uvm_obj != NULL)
		return K_PAGEABLE;
	return K_UNOWNED;
}

/* ---- drawing ------------------------------------------------------------- */

static unsigned int
map_depth(struct vm_map *map)
{
	unsigned int d = 0;

	for (; map->parent != NULL && d < 16; map = map->parent)
		d++;
	return d;
}

static void
draw_map(struct pic *p, struct vm_map *map, const char *label, double y)
{
	FILE *fp = p->fp;
	double x0 = xof(p, vm_map_min(map)), x1 = xof(p, vm_map_max(map));

	if (map->parent == NULL) {
		fprintf(fp, "<text x=\"8\" y=\"%.1f\" class=\"lbl\">",
		    y + 15);
		xml_text(fp, label);
		fprintf(fp, "</text>\n<text x=\"8\" y=\"%.1f\" "
		    "class=\"small\">%u entries</text>\n", y + 29,
		    map->nentries);
	} else {
		/* siblings share a row: the name goes above the bar */
		fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" class=\"lbl\">",
		    x0 + 2, y - 4);
		xml_text(fp, label);
		if (x1 - x0 > 140)
			fprintf(fp, "<tspan class=\"small\"> %u entries</tspan>",
			    map->nentries);
		fputs("</text>\n", fp);
	}
	fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\""
	    " fill=\"#f4f4f4\" stroke=\"#333\"><title>%s [0x%lx, 0x%lx): "
	    "free space</title></rect>\n", x0, y, x1 - x0, PIC_BAR, label,
	    (unsigned long)vm_map_min(map), (unsigned long)vm_map_max(map));
	for (const struct vm_map_entry *e = map->first; e != NULL;
	    e = e->next) {
		char name[16];
		enum kind k = entry_kind(p, map, e, name, sizeof(name));
		double ex0 = xof(p, e->start), ex1 = xof(p, e->end);

		fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		    "height=\"%.1f\" fill=\"%s\" stroke=\"#222\" "
		    "stroke-width=\"0.6\"%s><title>%s%s%s [0x%lx, 0x%lx), "
		    "0x%lx bytes (+0x%lx in the kernel map)</title></rect>\n",
		    ex0, y, ex1 - ex0, PIC_BAR, kind_color[k],
		    k == K_UNOWNED ? " stroke-dasharray=\"3,2\"" : "",
		    name, name[0] ? ": " : "", kind_name[k],
		    (unsigned long)e->start, (unsigned long)e->end,
		    (unsigned long)(e->end - e->start),
		    (unsigned long)(e->start - p->lo));
		if (k == K_POOLRUN) {
			/* the run's items in use */
			for (unsigned int i = 0; i < p->h->npool; i++) {
				vaddr_t va = p->h->pool[i].va;

				if (va < e->start || va >= e->end)
					continue;
				fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" "
				    "width=\"%.1f\" height=\"%.1f\" "
				    "fill=\"#6a3d9a\"><title>p%u at 0x%lx"
				    "</title></rect>\n", xof(p, va), y + 4,
				    xof(p, va + PAGE_SIZE) - xof(p, va) + 0.3,
				    PIC_BAR - 8, p->h->pool[i].id,
				    (unsigned long)va);
			}
		}
		if (name[0] != '\0' && ex1 - ex0 >= 8.0 * (double)strlen(name))
			fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" "
			    "class=\"name\">%s</text>\n", (ex0 + ex1) / 2,
			    y + PIC_BAR / 2 + 4, name);
	}
}

struct tick_walk {
	struct pic	*p;
	double		y;
	unsigned long	n;
};

static int
tick_cb(void *arg, vaddr_t va, paddr_t pa, unsigned int hmap)
{
	struct tick_walk *w = arg;
	double x0 = xof(w->p, va), x1 = xof(w->p, va + PAGE_SIZE);

	w->n++;
	fprintf(w->p->fp, "<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" "
	    "height=\"8\" fill=\"%s\"><title>0x%lx -&gt; pa 0x%lx%s%s"
	    "</title></rect>\n", x0, w->y, x1 - x0 > 1.2 ? x1 - x0 - 0.6 : 0.8,
	    (hmap & HMAP_NX) ? "#222" : "#c00", (unsigned long)va,
	    (unsigned long)pa, (hmap & HMAP_WRITE) ? " RW" : " RO",
	    (hmap & HMAP_NX) ? " NX" : " X");
	return 0;
}

/* Address labels under the kernel map, where they do not collide. */
static void
draw_axis(struct pic *p, double y)
{
	double last = -1000;

	for (unsigned int i = 0; i < p->nbp; i++) {
		if (p->bx[i] - last < 62 && i + 1 != p->nbp)
			continue;
		if (i + 1 == p->nbp && p->bx[i] - last < 62)
			continue;
		last = p->bx[i];
		fprintf(p->fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"#888\"/>\n<text x=\"%.1f\" "
		    "y=\"%.1f\" class=\"axis\">+0x%lx</text>\n", p->bx[i], y,
		    p->bx[i], y + 4, p->bx[i], y + 14,
		    (unsigned long)(p->bp[i] - p->lo));
	}
}

/* Wrap `s' at about `width' characters into <tspan> lines. */
static void
caption(FILE *fp, double x, double y, const char *cls, const char *s,
    size_t width)
{
	size_t n = strlen(s), pos = 0;
	int line = 0;

	fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" class=\"%s\">", x, y, cls);
	while (pos < n && line < 6) {
		size_t take = n - pos > width ? width : n - pos;
		char buf[256];

		if (pos + take < n)
			for (size_t k = take; k > width / 2; k--)
				if (s[pos + k] == ' ') {
					take = k;
					break;
				}
		memcpy(buf, s + pos, take);
		buf[take] = '\0';
		fprintf(fp, "<tspan x=\"%.1f\" dy=\"%s\">", x,
		    line ? "1.25em" : "0");
		xml_text(fp, buf);
		fputs("</tspan>", fp);
		pos += take;
		while (pos < n && s[pos] == ' ')
			pos++;
		line++;
	}
	fputs("</text>\n", fp);
}

/* The range the failing op concerns, from the instance before it. */
static void
highlight_range(struct pic *p, const struct km_op *op,
    const struct harness_finding *f)
{
	struct harness *h = p->h;

	p->hl_start = p->hl_end = 0;
	if (op != NULL) {
		switch (op->code) {
		case KOP_ALLOC:
			if (f->va != 0) {
				p->hl_start = trunc_page(f->va);
				p->hl_end = p->hl_start + ptoa(op->npages);
			}
			break;
		case KOP_FREE: case KOP_PGREMOVE: case KOP_TOUCH:
		case KOP_BUSY: case KOP_MISUSE:
			if (op->code == KOP_MISUSE &&
			    op->misuse == KMIS_POOLPAGE_TWICE)
				goto pool;
			for (unsigned int i = 0; i < h->nallocs; i++) {
				const struct hs_alloc *a = &h->allocs[i];

				if (a->id != op->handle_id)
					continue;
				p->hl_start = a->va;
				p->hl_end = a->va + a->size;
				if (op->code == KOP_PGREMOVE) {
					p->hl_start = a->va + ptoa(op->page);
					p->hl_end = p->hl_start +
					    ptoa(op->count);
				} else if (op->code == KOP_TOUCH ||
				    op->code == KOP_BUSY) {
					p->hl_start = a->va + ptoa(op->page);
					p->hl_end = p->hl_start + PAGE_SIZE;
				}
			}
			break;
		case KOP_POOLPAGE_PUT:
		pool:
			for (unsigned int i = 0; i < h->npool; i++)
				if (h->pool[i].id == op->handle_id) {
					p->hl_start = h->pool[i].va;
					p->hl_end = p->hl_start + PAGE_SIZE;
				}
			break;
		default:
			break;
		}
	}
	if (p->hl_start == 0 && f->va != 0) {
		p->hl_start = trunc_page(f->va);
		p->hl_end = p->hl_start + PAGE_SIZE;
	}
	/* an assertion names no va: the first kernel-map address it prints */
	for (const char *m = f->msg; p->hl_start == 0 && *m != '\0'; m++) {
		char *end;
		vaddr_t va;

		if (m[0] != '0' || m[1] != 'x')
			continue;
		va = (vaddr_t)strtoull(m, &end, 16);
		if (va >= p->lo && va < p->hi) {
			p->hl_start = trunc_page(va);
			p->hl_end = p->hl_start + PAGE_SIZE;
		}
		m = end - 1;
	}
	/* only what lies in the kernel map can be drawn */
	if (p->hl_start < p->lo || p->hl_end > p->hi || p->hl_end <= p->hl_start)
		p->hl_start = p->hl_end = 0;
}

static void
draw(struct pic *p, const char *path, const struct cli_run *run, int r,
    const struct km_op *failop, uint32_t k, const struct harness_finding *f)
{
	struct harness *h = p->h;
	FILE *fp = p->fp;
	unsigned int maxdepth = 0;
	double height, y, legend_y;
	char title[900], optext[256], line[700];

	p->lo = vm_map_min(h->uvm->kernel_map);
	p->hi = vm_map_max(h->uvm->kernel_map);
	highlight_range(p, failop, f);
	p->nbp = 0;
	add_bp(p, p->lo);
	add_bp(p, p->hi);
	for (unsigned int i = 0; i < h->nmaps; i++) {
		struct vm_map *map = h->maps[i].map;
		unsigned int d = map_depth(map);

		if (d > maxdepth)
			maxdepth = d;
		add_bp(p, vm_map_min(map));
		add_bp(p, vm_map_max(map));
		for (const struct vm_map_entry *e = map->first; e != NULL;
		    e = e->next) {
			add_bp(p, e->start);
			add_bp(p, e->end);
		}
	}
	for (unsigned int i = 0; i < h->npool; i++) {
		add_bp(p, h->pool[i].va);
		add_bp(p, h->pool[i].va + PAGE_SIZE);
	}
	if (p->hl_end != 0) {
		add_bp(p, p->hl_start);
		add_bp(p, p->hl_end);
	}
	layout(p);

	legend_y = PIC_TOP + (maxdepth + 1) * PIC_ROW + 10;
	height = legend_y + 150;
	fprintf(fp, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
	    "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\">\n", PIC_LEFT +
	    PIC_WIDTH + 30, height, PIC_LEFT + PIC_WIDTH + 30, height);
	fputs("<style>text{font-family:monospace;font-size:11px;fill:#222}"
	    ".title{font-size:14px;font-weight:bold}.lbl{font-weight:bold}"
	    ".small{font-size:9px;fill:#555}.axis{font-size:9px;fill:#555;"
	    "text-anchor:middle}.name{font-size:10px;text-anchor:middle}"
	    ".cap{fill:#b00000;font-size:12px}</style>\n", fp);
	fprintf(fp, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
	if (failop != NULL)
		km_text_print(failop, optext, sizeof(optext));
	snprintf(title, sizeof(title), "kmfuzz picture of %s (target %s%s): "
	    "%s", path, run->t->name, run->direct ? ", direct-map" : "",
	    r == HARNESS_FINDING ? (failop != NULL ? "before the failing op" :
	    "at the end, where the check failed") :
	    "at the end of the program, before the release");
	caption(fp, 8, 20, "title", title, 150);
	if (failop != NULL) {
		snprintf(line, sizeof(line), "op %u (failing, not yet run): %s",
		    k, optext);
		caption(fp, 8, 40, "lbl", line, 150);
	}

	/* maps, shallow first; submaps below their parent */
	for (unsigned int i = 0; i < h->nmaps; i++) {
		struct vm_map *map = h->maps[i].map;
		char label[32];

		y = PIC_TOP + map_depth(map) * PIC_ROW;
		if (h->maps[i].id == 0)
			snprintf(label, sizeof(label), "kernel_map");
		else
			snprintf(label, sizeof(label), "m%u%s", h->maps[i].id,
			    h->maps[i].intrsafe ? " intrsafe" : "");
		if (map->parent != NULL) {
			double py = PIC_TOP + map_depth(map->parent) * PIC_ROW +
			    PIC_BAR;

			fprintf(fp, "<path d=\"M%.1f %.1f L%.1f %.1f M%.1f %.1f "
			    "L%.1f %.1f\" stroke=\"#7aa\" stroke-dasharray=\"4,3\""
			    " fill=\"none\"/>\n", xof(p, vm_map_min(map)), py,
			    xof(p, vm_map_min(map)), y,
			    xof(p, vm_map_max(map)), py,
			    xof(p, vm_map_max(map)), y);
		}
		draw_map(p, map, label, y);
	}
	for (unsigned int d = 1; d <= maxdepth; d++)
		fprintf(fp, "<text x=\"8\" y=\"%.1f\" class=\"small\">"
		    "submaps, depth %u</text>\n", PIC_TOP + d * PIC_ROW + 15, d);
	draw_axis(p, PIC_TOP + PIC_BAR + 12);

	/* mapped pages, one tick each, under the kernel map */
	struct tick_walk w = { p, PIC_TOP + PIC_BAR + 2, 0 };
	h->host.foreach_mapping(h->host.ctx, p->lo, p->hi, tick_cb, &w);

	if (p->hl_end != 0) {
		double x0 = xof(p, p->hl_start), x1 = xof(p, p->hl_end);

		fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		    "height=\"%.1f\" fill=\"#ff0000\" fill-opacity=\"0.3\" "
		    "stroke=\"#d00000\" stroke-width=\"2\"><title>the failing "
		    "op's range [0x%lx, 0x%lx)</title></rect>\n", x0,
		    PIC_TOP - 6, x1 - x0 < 3 ? 3 : x1 - x0,
		    (maxdepth + 1) * PIC_ROW - 10, (unsigned long)p->hl_start,
		    (unsigned long)p->hl_end);
	}

	/* legend */
	y = legend_y;
	for (int i = 0; i < K_COUNT; i++) {
		double x = 8 + (i % 4) * 270;
		double ly = y + (i / 4) * 18;

		fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" "
		    "height=\"11\" fill=\"%s\" stroke=\"#222\"/>"
		    "<text x=\"%.1f\" y=\"%.1f\">%s</text>\n", x, ly,
		    kind_color[i], x + 20, ly + 10, kind_name[i]);
	}
	fprintf(fp, "<rect x=\"8\" y=\"%.1f\" width=\"14\" height=\"8\" "
	    "fill=\"#222\"/><text x=\"28\" y=\"%.1f\">mapped page (red: "
	    "executable); %lu mapped</text>\n", y + 40, y + 48, w.n);
	fprintf(fp, "<text x=\"400\" y=\"%.1f\" class=\"small\">scale: each "
	    "entry and gap is one segment, width ~ log2(pages); addresses "
	    "relative to kernel_map 0x%lx</text>\n", y + 48,
	    (unsigned long)p->lo);
	if (r == HARNESS_FINDING) {
		km_input_caught_line(line, sizeof(line), f);
		fprintf(fp, "<rect x=\"8\" y=\"%.1f\" width=\"14\" "
		    "height=\"11\" fill=\"#ff0000\" fill-opacity=\"0.3\" "
		    "stroke=\"#d00000\"/>\n", y + 62);
		caption(fp, 28, y + 72, "cap", line + 2, 160);
	}
	fputs("</svg>\n", fp);
}

int
picture_write(FILE *fp, struct cli_run *run, const char *path, int r)
{
	static struct km_op trace[HARNESS_MAX_OPS];
	struct harness_finding f = run->f, f2;
	uint32_t ntrace = run->h->ntrace, k = ntrace;
	const struct km_op *failop = NULL;
	struct pic *p;

	memcpy(trace, run->h->trace, ntrace * sizeof(trace[0]));
	if (r == HARNESS_FINDING && f.op_index < ntrace) {
		k = f.op_index;
		failop = &trace[k];
	}
	/* the prefix, kept: the instance as op k found it */
	cli_rerun_ops(run, trace, k, true, &f2);
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return EXIT_BAD;
	p->fp = fp;
	p->h = run->h;
	draw(p, path, run, r, failop, k, &f);
	free(p);
	return 0;
}

int
cmd_picture(int argc, char **argv)
{
	struct cli_args a;
	struct cli_run run;
	FILE *fp;
	int r, ret;

	if ((ret = cli_one_input(argc, argv, usage_picture, -1, &a, &run, &r)) != 0)
		return ret;
	if ((fp = cli_open_out(a.out, "w")) == NULL)
		return EXIT_BAD;
	ret = picture_write(fp, &run, a.files[0], r);
	if (cli_close_out(fp, a.out) != 0)
		ret = EXIT_BAD;
	return ret;
}
