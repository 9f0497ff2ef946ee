"""One command line for everything: ``python -m analysis <command>``.

build           validate inputs, execute the run plan with papermill, build the HTML book
run             execute one template with parameters (validated) to a notebook
validate        check a births file against the data contract
synth           generate the synthetic national cohort (and its truth file)
travel-matrix   write origin × site travel times (added by the travel chapter)
browser-check   open a built page in headless Chromium with the network blocked
pdf             print the built book to PDF (also done by build)
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis.common.paths import build_dir, project_root

if TYPE_CHECKING:
    from analysis.pipeline.kernels import KernelPool
    from analysis.pipeline.runner import BuildInputs
    from analysis.pipeline.runplan import Page


def _synthetic_spec(plan_path: Path | None) -> dict[str, Any]:
    """The embedded default cohort's settings in the run plan (``synthetic:``)."""
    import yaml

    root = project_root()
    plan = yaml.safe_load((plan_path or root / "book" / "runplan.yml").read_text(encoding="utf-8"))
    spec = plan.get("synthetic", {}) or {}
    return {
        "years": str(spec.get("years", "2019-2023")),
        "seed": int(spec.get("seed", 1)),
        "scale": float(spec.get("scale", 1.0)),
    }


def _default_synthetic(plan_path: Path | None) -> Path:
    """Generate (or reuse) the embedded default cohort described in the run plan."""
    from analysis.pipeline import synthetic_default

    return synthetic_default.ensure(**_synthetic_spec(plan_path))


def resolve_births(cli_value: str | None, plan_path: Path | None) -> tuple[Path, bool]:
    """The births file for this build: --births, else ANALYSIS_BIRTHS, else the synthetic cohort."""
    value = cli_value or os.environ.get("ANALYSIS_BIRTHS")
    if value:
        from analysis.render.page import is_synthetic  # pandas and altair: only when a file is named

        path = Path(value).resolve()
        if not path.exists():
            raise SystemExit(f"error: births file {path} does not exist")
        return path, is_synthetic(path)
    path = _default_synthetic(plan_path)
    return path, True


def _check_births(births: Path) -> None:
    """Validate ``births`` (raises ``BirthsValidationError``) unless this very file passed with this very code."""
    from analysis.births import load_births
    from analysis.pipeline import runner

    if not runner.births_known_valid(births):
        load_births(births)
        runner.remember_valid_births(births)


def _cohort_job(spec: dict[str, Any], births: Path, min_cell: int) -> Callable[[], BuildInputs]:
    """Generate the default cohort, validate it and hash it: run by the build beside the pages that need no births."""

    def prepare() -> BuildInputs:
        from analysis.pipeline import runner, synthetic_default

        if synthetic_default.ensure(**spec) != births:
            raise RuntimeError(f"the default cohort was expected at {births}")
        _check_births(births)
        return runner.BuildInputs.of(births, True, min_cell)

    return prepare


def _disclosure_threshold() -> int:
    """The active threshold (``ANALYSIS_MIN_CELL``); a threshold under 5 is announced loudly."""
    from analysis.common.disclosure import DEFAULT_THRESHOLD, threshold

    try:
        value = threshold()
    except ValueError as exc:
        raise SystemExit(f"error: ANALYSIS_MIN_CELL={os.environ.get('ANALYSIS_MIN_CELL')!r} is not valid ({exc})") from None
    if value < DEFAULT_THRESHOLD:
        bar = "!" * 78
        print(
            f"{bar}\nWARNING: disclosure threshold ANALYSIS_MIN_CELL={value} is below {DEFAULT_THRESHOLD}.\n"
            f"Groups of fewer than {DEFAULT_THRESHOLD} people may be shown. This build is NOT FOR PUBLICATION;\n"
            f"its provenance page says so.\n{bar}",
            file=sys.stderr,
            flush=True,
        )
    return value


def cmd_build(args: argparse.Namespace) -> int:
    from analysis.pipeline import runner

    min_cell = _disclosure_threshold()
    try:
        with runner.build_lock() as build_id:
            try:
                return _build(args, build_id, min_cell)
            finally:
                runner.remove_staging(build_id)
    except runner.BuildLocked as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: build interrupted (Ctrl-C); no half-built page was published, run the build again", file=sys.stderr)
        return 130
    except OSError as exc:
        where = f": {exc.filename}" if exc.filename else ""
        print(f"error: {exc.strerror or exc}{where}; the build stopped", file=sys.stderr)
        return 1


def _build(args: argparse.Namespace, build_id: str, min_cell: int) -> int:
    """Build with one pool of warm kernels. A first or forced build starts them at once, so that they start and
    import while the cohort is generated and checked; otherwise they start when a page has to run."""
    from analysis.pipeline import runner, runplan
    from analysis.pipeline.kernels import KernelPool

    plan_path = Path(args.plan).resolve() if args.plan else None
    plan_pages = runplan.load(plan_path)
    runner.limit_kernel_threads()
    pool = KernelPool(args.jobs or os.cpu_count() or 1, project_root(), runner.KERNEL)
    if args.force or any(runner.published_record(p) is None for p in plan_pages):
        pool.start()
    try:
        return _build_pages(args, build_id, min_cell, plan_path, plan_pages, pool)
    finally:
        pool.close()


def _build_pages(
    args: argparse.Namespace, build_id: str, min_cell: int, plan_path: Path | None, plan_pages: list[Page], pool: KernelPool
) -> int:
    from analysis.births import BirthsValidationError
    from analysis.pipeline import runner, runplan, synthetic_default
    from analysis.pipeline.provenance import write_provenance_page

    start = time.perf_counter()
    births: Path | None = None
    synthetic = False
    prepare: Callable[[], BuildInputs] | None = None  # the default cohort still to be generated: a job beside the first pages
    if any(p.uses_births for p in plan_pages) or args.births:
        spec = _synthetic_spec(plan_path)
        if not (args.births or os.environ.get("ANALYSIS_BIRTHS")) and not synthetic_default.is_ready(
            synthetic_default.target(**spec)
        ):
            births, synthetic = synthetic_default.target(**spec), True
            print(f"births data: {births} (synthetic cohort, generated while the first pages run)", flush=True)
            prepare = _cohort_job(spec, births, min_cell)
            from analysis.pipeline.params import expect_file

            expect_file(births)
        else:
            births, synthetic = resolve_births(args.births, plan_path)
            print(f"births data: {births} ({'synthetic cohort' if synthetic else 'register extract'})", flush=True)
            try:
                _check_births(births)
            except BirthsValidationError as exc:
                print(f"error: {births} failed validation; nothing was built or published.\n{exc}", file=sys.stderr)
                return 2
    inputs = runner.BuildInputs(births, synthetic, min_cell) if prepare else runner.BuildInputs.of(births, synthetic, min_cell)
    all_pages = runplan.load(plan_path, overrides={"births": str(births)} if births else None)
    pages = all_pages
    if args.pages:
        wanted = set(args.pages.split(","))
        unknown = wanted - {p.name for p in pages}
        if unknown:
            print(f"error: unknown page(s) {sorted(unknown)}; plan has {[p.name for p in pages]}", file=sys.stderr)
            return 2
        pages = [p for p in pages if p.name in wanted]
    try:
        tasks = runplan.load_shared(plan_path, all_pages)
        done: dict[str, BuildInputs] = {}
        outcomes, stage_nb, stage_results = runner.execute_pages(
            pages, inputs, build_id, force=args.force, jobs=args.jobs, tasks=tasks, pool=pool,
            prepare_births=(lambda: done.setdefault("inputs", prepare())) if prepare else None,
        )  # fmt: skip
    except runner.PageFailed as exc:
        print(f"error: {exc}\nThe previously built book is unchanged.", file=sys.stderr)
        return 1
    except BirthsValidationError as exc:
        print(f"error: {births} failed validation; nothing was built or published.\n{exc}", file=sys.stderr)
        return 2
    runner.publish(outcomes, stage_nb, stage_results, done.get("inputs", inputs))
    write_provenance_page(all_pages)
    print(runner.timing_summary(outcomes), flush=True)
    if args.no_html:
        return 0
    if runner.html_is_current(runner.html_inputs_digest()):
        html = build_dir() / "html"
        print(f"book unchanged: {html / 'index.html'} is current ({time.perf_counter() - start:.1f} s)", flush=True)
        return _pdf(args)
    try:
        html = runner.build_html(build_id)
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"book built: {html / 'index.html'} in {time.perf_counter() - start:.1f} s", flush=True)
    status = _pdf(args)
    from analysis.common.disclosure import DEFAULT_THRESHOLD

    if min_cell < DEFAULT_THRESHOLD:
        print(f"WARNING: built with ANALYSIS_MIN_CELL={min_cell}: NOT FOR PUBLICATION", file=sys.stderr)
    return status


def _pdf(args: argparse.Namespace) -> int:
    """The PDF editions of the built HTML (``book/pdf.yml``); a missing Chromium is a note, not a failure."""
    if getattr(args, "no_pdf", False):
        return 0
    from analysis.pipeline.devtools import DevToolsError
    from analysis.pipeline.pdf import build_pdfs

    try:
        build_pdfs()
    except ImportError as exc:
        print(f"error: the PDF editions need {exc.name} (run `make setup`); the HTML book is built", file=sys.stderr)
        return 1
    except (DevToolsError, OSError, ValueError) as exc:
        print(f"error: the PDF editions failed ({exc}); the HTML book is built", file=sys.stderr)
        return 1
    return 0


def cmd_pdf(args: argparse.Namespace) -> int:
    from analysis.pipeline import runner

    try:
        with runner.build_lock():
            return _pdf(args)
    except runner.BuildLocked as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def cmd_run(args: argparse.Namespace) -> int:
    import papermill as pm

    from analysis.pipeline.params import (
        ParameterError,
        coerce_cli_value,
        read_template,
        template_chapter,
        template_parameters,
        validate,
    )

    template = Path(args.notebook).resolve()
    declared = template_parameters(template)
    given = {}
    for name, raw in args.p or []:
        if name not in declared:
            given[name] = raw  # reported as unknown by validate()
        else:
            given[name] = coerce_cli_value(declared[name], raw)
    if "births" in declared and "births" not in given:
        given["births"] = str(resolve_births(None, None)[0])
    try:
        params = validate(template.stem, declared, given, chapter=template_chapter(template))
    except ParameterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    out = Path(args.output) if args.output else build_dir() / "run" / (template.stem + ".ipynb")
    out.parent.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("ANALYSIS_RESULTS_DIR", str(build_dir() / "run" / "results"))
    pm.execute_notebook(read_template(template), str(out), parameters=params, cwd=str(project_root()), kernel_name="python3")
    print(f"wrote {out}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from analysis.births import validate

    if not Path(args.file).exists():
        print(f"error: {args.file}: file not found", file=sys.stderr)
        return 2
    try:
        report = validate(Path(args.file))
    except OSError as exc:
        print(f"error: {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(report.format())
    return 0 if report.ok else 1


def cmd_synth(args: argparse.Namespace) -> int:
    from analysis.pipeline.synthetic_default import write

    out = write(Path(args.out), years=args.years, seed=args.seed, scale=args.scale)
    print(f"wrote {out} and {out}.truth.json")
    return 0


def chapter_commands() -> dict[str, tuple[str, Any]]:
    """Subcommands that chapters add (``analysis/chapters/<chapter>/commands.py``: ``COMMANDS``)."""
    import importlib
    import importlib.util
    import pkgutil

    import analysis.chapters

    found: dict[str, tuple[str, Any]] = {}
    for info in pkgutil.iter_modules(analysis.chapters.__path__):
        name = f"analysis.chapters.{info.name}.commands"
        if info.ispkg and importlib.util.find_spec(name) is not None:
            found.update(getattr(importlib.import_module(name), "COMMANDS", {}))
    return found


def cmd_browser_check(args: argparse.Namespace) -> int:
    from analysis.pipeline.browser_check import PHONE_WIDTH, english_ui, phone_check
    from analysis.pipeline.browser_check import main as browser_main
    from analysis.pipeline.pdf import toc_pages

    status = 0
    html_root = Path(args.html)
    pages = args.page.split(",")
    if args.page == "all":
        pages = [f"{p}.html" for p in toc_pages(project_root() / "_toc.yml") if (html_root / f"{p}.html").exists()]
        if not pages:
            print(f"error: no built page under {html_root}", file=sys.stderr)
            return 1
        for extra in ("search.html", "genindex.html"):  # the theme's own pages: Swedish interface too
            found = english_ui((html_root / extra).read_text(encoding="utf-8")) if (html_root / extra).exists() else []
            print(f"{extra}: English interface text: {found or 'none'}")
            status |= bool(found)
    for page in pages:
        shot = None
        if args.screenshot:
            shot = str(Path(args.screenshot) / (Path(page).stem + ".png")) if len(pages) > 1 else args.screenshot
        status |= browser_main(page, args.html, shot, args.height)
    if not args.no_phone:
        for page, problems in phone_check(html_root, pages).items():
            print(f"{page} at {PHONE_WIDTH} px: {'; '.join(problems) if problems else 'fits the screen, charts drawn'}")
            status |= bool(problems)
    return status


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analysis", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="build the whole book")
    b.add_argument("--births", help="births file (CSV/Parquet) following the data contract; default: synthetic cohort")
    b.add_argument("--plan", help="run plan YAML (default book/runplan.yml)")
    b.add_argument("--pages", help="comma-separated page names to run (default: all)")
    b.add_argument("--force", action="store_true", help="re-run every page even if unchanged")
    b.add_argument("--jobs", type=int, default=None, help="parallel kernels (default: number of cores)")
    b.add_argument("--no-html", action="store_true", help="execute pages only, skip the HTML build")
    b.add_argument("--no-pdf", action="store_true", help="skip the PDF editions (_build/pdf)")
    b.set_defaults(func=cmd_build)

    r = sub.add_parser("run", help="execute one template")
    r.add_argument("notebook")
    r.add_argument("-p", nargs=2, action="append", metavar=("NAME", "VALUE"), help="parameter")
    r.add_argument("-o", "--output")
    r.set_defaults(func=cmd_run)

    v = sub.add_parser("validate", help="validate a births file")
    v.add_argument("file")
    v.set_defaults(func=cmd_validate)

    s = sub.add_parser("synth", help="generate the synthetic cohort")
    s.add_argument("--years", default="2019-2023")
    s.add_argument("--seed", type=int, default=1)
    s.add_argument("--scale", type=float, default=1.0, help="fraction of the ~100,000 deliveries a year")
    s.add_argument("--out", required=True)
    s.set_defaults(func=cmd_synth)

    for name, (help_text, _) in sorted(chapter_commands().items()):
        sub.add_parser(name, help=help_text, add_help=False)

    d = sub.add_parser("pdf", help="print the built HTML book to the PDF editions (book/pdf.yml)")
    d.set_defaults(func=cmd_pdf)

    c = sub.add_parser("browser-check", help="render a built page offline in headless Chromium")
    c.add_argument("--html", default=str(build_dir() / "html"))
    c.add_argument("--page", default="all", help="comma-separated pages relative to --html, or 'all' pages with charts")
    c.add_argument("--screenshot", help="also save a PNG screenshot here")
    c.add_argument("--height", type=int, default=2200, help="screenshot height in pixels (long pages)")
    c.add_argument("--no-phone", action="store_true", help="skip the check at a phone's width (390 px)")
    c.set_defaults(func=cmd_browser_check)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    commands = chapter_commands()
    if argv and argv[0] in commands:
        return int(commands[argv[0]][1](argv[1:]))
    args = build_parser().parse_args(argv)
    from analysis.pipeline.params import ParameterError
    from analysis.pipeline.runplan import RunPlanError

    try:
        return int(args.func(args))
    except (ParameterError, RunPlanError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:
        # A GeodataError can only come from an imported geodata module (importing it costs geopandas: not up front).
        geodata = sys.modules.get("analysis.common.geodata")
        if geodata is None or not isinstance(exc, geodata.GeodataError):
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 2
