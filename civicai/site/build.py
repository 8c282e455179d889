"""Build the public site: ``build_site(out, modules=..., datasets=..., config=...)``.

The site is written into a temporary folder next to ``out`` and swapped in at the end, so a
failed build never leaves a half-written site. Internal links are rewritten to the pages
and files of the site; a link to something the site does not publish becomes plain text
(listed in the report's warnings), so there is no broken internal link.
"""

from __future__ import annotations

import posixpath
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import yaml
from markupsafe import Markup

from civicai.errors import UserError
from civicai.site import content, pages
from civicai.site.content import Dataset, Module
from civicai.site.pages import TEMPLATES
from civicai.site.sheets import write_sheets

MARKER = ".civicai-site"
ASSET_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".pdf", ".csv", ".txt"}
MAX_ASSET_BYTES = 2_000_000
NBCONVERT_ALT = "No description has been provided for this image"  # nbconvert's English default


def default_paths() -> dict[str, Path]:
    """Where things are in a checkout of the kit."""
    from civicai.paths import kit_root

    root = kit_root()
    return {"modules": root / "modules", "datasets": root / "datasets",
            "config": root / "site" / "site.yaml", "out": root / "site" / "_build"}


@dataclass
class BuildReport:
    out: Path
    pages: list[str] = field(default_factory=list)
    pdfs: dict[str, int] = field(default_factory=dict)  # path -> pages
    executed: dict[str, float] = field(default_factory=dict)  # notebook -> seconds (0 = cache)
    cached: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    external_links: set[str] = field(default_factory=set)

    def summary(self) -> str:
        ran = len(self.executed) - self.cached
        lines = [f"Site construit dans {self.out} en {self.seconds:.1f} s : "
                 f"{len(self.pages)} pages, {len(self.pdfs)} PDF, "
                 f"{len(self.executed)} notebooks ({ran} exécutés, {self.cached} repris du cache)."]
        slow = sorted(((s, n) for n, s in self.executed.items() if s), reverse=True)[:3]
        if slow:
            lines.append("Notebooks les plus longs : "
                         + ", ".join(f"{n} ({s:.1f} s)" for s, n in slow))
        if self.external_links:
            lines.append("Liens vers l'extérieur : " + ", ".join(sorted(self.external_links)))
        lines += [f"Attention : {w}" for w in self.warnings]
        return "\n".join(lines)


def load_config(path: Path | None) -> dict:
    """The site's settings (``site/site.yaml``); every key is optional."""
    cfg = {"titre": "Kit citoyen d'initiation à l'IA", "hub": "", "borne": "", "pied": "",
           "accueil": None, "fiches": None}
    if path is not None and Path(path).is_file():
        try:
            raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise UserError(f"La configuration du site {path} est mal formée ({exc}).") from None
        if not isinstance(raw, dict):
            raise UserError(f"La configuration du site {path} doit être une liste de clés : valeurs.")
        cfg.update({k: v for k, v in raw.items() if v is not None})
        base = Path(path).resolve().parent
        for key in ("accueil", "fiches"):
            if cfg.get(key):
                cfg[key] = (base / cfg[key]).resolve()
    elif path is not None:
        raise UserError(f"Configuration du site introuvable : {path}.")
    for key in ("hub", "borne"):
        cfg[key] = str(cfg.get(key) or "").strip()
    return cfg


class _Site:
    def __init__(self, tmp: Path, modules_dir: Path, datasets_dir: Path, cfg: dict,
                 report: BuildReport):
        import jinja2

        self.tmp, self.cfg, self.report = tmp, cfg, report
        self.modules_dir, self.datasets_dir = modules_dir.resolve(), datasets_dir.resolve()
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                                      autoescape=jinja2.select_autoescape(["html"]))
        self.pages: dict[Path, str] = {}  # source file -> page of the site
        self.kiosk: dict[Path, str] = {}  # demo notebook -> where to try it
        self.modules: list[Module] = []
        self.datasets: list[Dataset] = []
        self.outputs: set[str] = {"index.html", "style.css"}  # every file the site will have
        self.pdf = True

    # --- links -----------------------------------------------------------------------------
    def _asset_target(self, src: Path) -> str | None:
        for base, prefix in ((self.modules_dir, "modules"), (self.datasets_dir, "datasets")):
            try:
                return f"{prefix}/{src.relative_to(base).as_posix()}"
            except ValueError:
                continue
        site_dir = self.cfg.get("accueil").parent if self.cfg.get("accueil") else None
        if site_dir is not None:
            try:
                return f"assets/{src.relative_to(site_dir).as_posix()}"
            except ValueError:
                pass
        return None

    def fix_links(self, html: str, source: Path | None, page: str) -> str:
        """Point every relative link at the site's pages and files; no external asset."""
        from bs4 import BeautifulSoup

        soup = BeautifulSoup(html, "html.parser")
        here = posixpath.dirname(page) or "."
        for tag in soup.find_all(["script", "iframe", "link", "object", "embed", "style"]):
            tag.decompose()
        for tag in soup.find_all(True):
            for attr in ("src", "href", "srcset", "poster", "data"):
                value = tag.get(attr)
                if not value or not isinstance(value, str):
                    continue
                value = value.strip()
                scheme = urlsplit(value).scheme.lower()
                if value.startswith("#") or scheme in ("data", "mailto", "tel"):
                    continue
                if scheme or value.startswith("//"):
                    if tag.name == "a" and attr == "href" and scheme in ("http", "https"):
                        self.report.external_links.add(value)
                    elif tag.name == "img":
                        tag.replace_with(f"[image externe non incluse : {tag.get('alt') or value}]")
                        self.report.warnings.append(f"{page} : image externe retirée ({value}).")
                        break
                    else:
                        del tag[attr]
                    continue
                target = self._resolve(value, source, here, page)
                if target is None:
                    if tag.name == "a":
                        tag.unwrap()
                    elif tag.name == "img":
                        tag.replace_with(f"[image manquante : {tag.get('alt') or value}]")
                    else:
                        del tag[attr]
                    break
                tag[attr] = target
        for img in soup.find_all("img"):
            if img.get("alt") is None or not img["alt"].strip() or img["alt"] == NBCONVERT_ALT:
                img["alt"] = "Figure produite par le code ci-dessus" if img.get(
                    "src", "").startswith("data:") else "Illustration (sans description fournie)"
                if not img.get("src", "").startswith("data:"):
                    self.report.warnings.append(f"{page} : image sans texte alternatif "
                                                f"({img.get('src')}).")
        return str(soup)

    def _resolve(self, value: str, source: Path | None, here: str, page: str) -> str | None:
        parts = urlsplit(value)
        frag = f"#{parts.fragment}" if parts.fragment else ""
        if not parts.path:
            return value
        planned = posixpath.normpath(posixpath.join(here, unquote(parts.path)))
        if planned in self.outputs:
            return value
        if source is None:
            self.report.warnings.append(f"{page} : lien interne inconnu retiré ({value}).")
            return None
        if parts.path.startswith("/"):
            self.report.warnings.append(f"{page} : lien absolu retiré ({value}).")
            return None
        src = (source.parent / unquote(parts.path)).resolve()
        if src.is_dir() and (src / "README.md").resolve() in self.pages:
            src = (src / "README.md").resolve()
        if src in self.pages:
            return posixpath.relpath(self.pages[src], here) + frag
        if src in self.kiosk:
            return self.kiosk[src] or None
        if src.is_file() and src.suffix.lower() in ASSET_SUFFIXES \
                and src.stat().st_size <= MAX_ASSET_BYTES:
            target = self._asset_target(src)
            if target is not None:
                dest = self.tmp / target
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, dest)
                return posixpath.relpath(target, here) + frag
        self.report.warnings.append(f"{page} : le lien « {value} » ne mène à aucune page du "
                                    "site ; il est devenu du texte simple.")
        return None

    # --- pages -----------------------------------------------------------------------------
    def write(self, page: str, title: str, body: str, *, source: Path | None = None,
              breadcrumb: list[tuple[str, str]] | None = None, kind: str = "page",
              template: str = "page.html", **extra) -> Path:
        here = posixpath.dirname(page) or "."
        root = "" if here == "." else posixpath.relpath(".", here) + "/"
        body = self.fix_links(body, source, page)
        html = self.env.get_template(template).render(
            title=title, body=Markup(body), site=self.cfg, root=root, modules=self.modules,
            datasets=self.datasets, kind=kind,
            breadcrumb=[(label, posixpath.relpath(href, here)) for label, href in breadcrumb or []],
            **extra)
        path = self.tmp / page
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, encoding="utf-8")
        self.report.pages.append(page)
        return path


def _swap(tmp: Path, out: Path) -> None:
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.ancien-{int(time.time() * 1000)}")
        out.rename(old)
    tmp.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def build_site(out: Path, *, modules: Path, datasets: Path, config: Path | None = None,
               cache: Path | None = None, jobs: int = 1, execute: bool = True,
               pdf: bool = True, timeout: int = 300) -> BuildReport:
    """Build the whole site into ``out`` (replaced only when everything succeeded)."""
    start = time.perf_counter()
    out = Path(out).resolve()
    if out.exists() and any(out.iterdir()) and not (out / MARKER).exists():
        raise UserError(f"Le dossier {out} existe déjà et ne contient pas un site du kit : "
                        "il ne sera pas écrasé. Choisissez un autre dossier avec --sortie.")
    cfg = load_config(config)
    report = BuildReport(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        site = _Site(tmp, Path(modules), Path(datasets), cfg, report)
        site.pdf = pdf
        _plan(site)
        executed = _execute(site, execute=execute, cache=cache, jobs=jobs, timeout=timeout)
        _write_pages(site, executed)
        if pdf:
            _print_pdfs(site)
            report.pdfs.update(write_sheets(tmp, site.modules_dir))  # unplugged sheets (civicai/site/sheets.py)
        (tmp / MARKER).write_text("Site construit par « civicai site construire ».\n", encoding="utf-8")
        _swap(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    report.seconds = time.perf_counter() - start
    return report


def _plan(site: _Site) -> None:
    """Find the content and decide every page and file the site will have (links need the plan)."""
    cfg, report = site.cfg, site.report
    site.modules = content.discover_modules(site.modules_dir)
    if not site.modules:
        raise UserError(f"Aucun module trouvé dans {site.modules_dir} (il faut des dossiers "
                        "« NN-nom » avec un README.md ou un quiz.yaml).")
    site.datasets = content.discover_datasets(site.datasets_dir)
    report.warnings += [f"Le module {m.slug} n'a pas encore de README.md (objectifs, durée)."
                        for m in site.modules if not m.readme]
    if cfg.get("accueil"):
        site.pages[Path(cfg["accueil"]).resolve()] = "index.html"
    for m in site.modules:
        base = f"modules/{m.slug}"
        site.pages[(m.path / "README.md").resolve()] = f"{base}/index.html"
        for nb in m.notebooks:
            site.pages[nb.path.resolve()] = f"{base}/{nb.slug}.html"
        if m.guide is not None:
            site.pages[m.guide.resolve()] = f"{base}/guide-animation.html"
        if m.law is not None:
            site.pages[m.law.resolve()] = f"{base}/etat-du-droit.html"
        for d in m.demos:
            site.kiosk[(site.modules_dir / d.notebook).resolve()] = cfg["borne"]
    for d in site.datasets:
        site.pages[d.path.resolve()] = f"datasets/{d.name}/index.html"
    site.outputs |= set(site.pages.values())
    for m in site.modules:
        base = f"modules/{m.slug}"
        site.outputs.add(f"{base}/fiche-participant.html")
        if site.pdf:
            site.outputs.add(f"{base}/fiche-participant.pdf")
            if m.guide is not None:
                site.outputs.add(f"{base}/guide-animation.pdf")
    if site.datasets:
        site.outputs.add("datasets/index.html")


def _execute(site: _Site, *, execute: bool, cache: Path | None, jobs: int, timeout: int) -> dict:
    """Run the lesson notebooks (or take them from the cache): source path -> executed notebook."""
    from civicai.site.execute import ExecutionCache, execute_all

    lessons = [nb.path.resolve() for m in site.modules for nb in m.notebooks]
    if not execute:
        return {p: nbformat.read(p, as_version=4) for p in lessons}
    labels = {p: p.relative_to(site.modules_dir).as_posix() for p in lessons}
    runs = execute_all(lessons, labels=labels, jobs=jobs, timeout=timeout,
                       cache=ExecutionCache(cache) if cache else None)
    site.report.executed = {labels[p]: r.seconds for p, r in runs.items()}
    site.report.cached = sum(r.cached for r in runs.values())
    return {p: r.nb for p, r in runs.items()}


def _notebook_page(site: _Site, m: Module, i: int, node: nbformat.NotebookNode) -> str:
    hub = site.cfg["hub"]
    intro = ('<p class="note">Cette page montre le notebook avec ses résultats, '
             "calculés lors de la construction du site. Pour le faire vous-même, "
             + (f'ouvrez-le sur <a href="{hub}">le hub</a>.' if hub else "ouvrez-le sur le hub du kit.")
             + "</p>")
    prev_ = m.notebooks[i - 1] if i else None
    next_ = m.notebooks[i + 1] if i + 1 < len(m.notebooks) else None
    pager = ['<nav class="pager" aria-label="Notebook précédent ou suivant">',
             f'<a href="{prev_.slug}.html">← {prev_.title}</a>' if prev_ else "<span></span>",
             f'<a href="{next_.slug}.html">{next_.title} →</a>' if next_ else "<span></span>",
             "</nav>"]
    return intro + pages.render_cells(pages.without_title(node)) + "".join(pager)


def _write_pages(site: _Site, executed: dict) -> None:
    from civicai.site.handout import build_handout

    cfg, report = site.cfg, site.report
    site.write("index.html", cfg["titre"], pages.home_body(site), source=cfg.get("accueil"),
               kind="home")
    home = [("Accueil", "index.html")]
    for m in site.modules:
        base = f"modules/{m.slug}"
        crumb = home + [(f"Module {int(m.number)}", f"{base}/index.html")]
        site.write(f"{base}/index.html", f"Module {int(m.number)} : {m.title}",
                   pages.module_body(site, m), source=m.path / "README.md", breadcrumb=home)
        for i, nb in enumerate(m.notebooks):
            site.write(f"{base}/{nb.slug}.html", nb.title,
                       _notebook_page(site, m, i, executed[nb.path.resolve()]), source=nb.path,
                       breadcrumb=crumb, kind="notebook")
        for doc, page, default in ((m.guide, "guide-animation", "Guide d'animation"),
                                   (m.law, "etat-du-droit", "État du droit")):
            if doc is not None:
                text = doc.read_text(encoding="utf-8")
                site.write(f"{base}/{page}.html", content.first_heading(text, default),
                           content.markdown_to_html(content.strip_first_heading(text)),
                           source=doc, breadcrumb=crumb, kind="guide")
        foot = (f"{cfg['titre']} · module {int(m.number)}. "
                + (f"Pour aller plus loin : {cfg['hub']}" if cfg["hub"] else ""))
        handout = build_handout(m, executed, cfg.get("fiches"), foot.strip())
        if len(handout.ideas) < 3 or len(handout.questions) < 3 or handout.figure is None:
            report.warnings.append(
                f"Fiche participant du module {m.slug} incomplète : {len(handout.ideas)} idées, "
                f"{len(handout.questions)} questions, "
                f"{'une' if handout.figure else 'aucune'} figure. Complétez "
                f"site/fiches/{m.slug}.yaml.")
        site.write(f"{base}/fiche-participant.html", f"Fiche participant : {m.title}", "",
                   template="handout.html", module=m, handout=handout)
    if site.datasets:
        items = "".join(f'<li><a href="{d.name}/index.html">{d.title}</a></li>'
                        for d in site.datasets)
        site.write("datasets/index.html", "Les données des modules",
                   "<p>Chaque jeu de données du kit a sa fiche : ce qu'il contient, qui l'a "
                   "fait, sa licence, ses manques et ses biais connus, et ce à quoi il ne "
                   f"doit pas servir.</p><ul>{items}</ul>", breadcrumb=home)
        for d in site.datasets:
            site.write(f"datasets/{d.name}/index.html", d.title,
                       content.markdown_to_html(content.strip_first_heading(d.text)),
                       source=d.path, breadcrumb=home + [("Les données", "datasets/index.html")])
    shutil.copy2(TEMPLATES / "style.css", site.tmp / "style.css")


def _print_pdfs(site: _Site) -> None:
    """Print the handouts and guides from the pages just written."""
    from civicai.site.pdf import count_pages, print_to_pdf

    jobs = []
    for m in site.modules:
        base = site.tmp / "modules" / m.slug
        jobs.append((base / "fiche-participant.html", base / "fiche-participant.pdf"))
        if m.guide is not None:
            jobs.append((base / "guide-animation.html", base / "guide-animation.pdf"))
    print_to_pdf(jobs)
    for _, f in jobs:
        rel = f.relative_to(site.tmp).as_posix()
        site.report.pdfs[rel] = count_pages(f)
        if f.name == "fiche-participant.pdf" and site.report.pdfs[rel] > 2:
            site.report.warnings.append(f"{rel} fait {site.report.pdfs[rel]} pages (2 au plus) : "
                                        "raccourcissez la fiche.")
