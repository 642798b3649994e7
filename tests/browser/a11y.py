"""Checks run on every page the browser test visits: axe-core (serious and critical findings) and no sideways scroll."""

from pathlib import Path

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe-core-4.14.1.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING_IMPACTS = ("serious", "critical")

_RUN_AXE = """
async ([tags, impacts]) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations
    .filter((v) => impacts.includes(v.impact))
    .map((v) => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({target: n.target.join(' '), html: n.html, summary: n.failureSummary})),
    }));
}
"""

# Elements sticking out on the right, to name the culprit when the page scrolls sideways.
_WIDE_ELEMENTS = """
() => {
  const width = window.innerWidth;
  return Array.from(document.body.querySelectorAll('*'))
    .filter((el) => el.getBoundingClientRect().right > width + 0.5)
    .slice(0, 5)
    .map((el) => {
      const classes = typeof el.className === 'string' ? el.className.trim().split(/\\s+/).filter(Boolean) : [];
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + classes.map((c) => '.' + c).join('');
      return `${name} (right edge ${Math.round(el.getBoundingClientRect().right)}px)`;
    });
}
"""


def format_violations(where: str, violations: list[dict]) -> str:
    lines = [f"axe-core on {where}: {len(violations)} serious/critical violation(s)"]
    for violation in violations:
        lines.append(f"  [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"]:
            lines.append(f"    at {node['target']}: {node['html']}")
            summary = " ".join(node["summary"].split()) if node["summary"] else ""
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


class PageChecks:
    """Runs the checks and collects what they find, so one run reports every page's problems at the end."""

    def __init__(self, page) -> None:
        self.page = page
        self.problems: list[str] = []
        self.checked: list[str] = []

    def __call__(self, where: str) -> None:
        page = self.page
        page.wait_for_load_state("load")
        where = f"{where} ({page.url})"
        self.checked.append(where)

        if not page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"):
            widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            culprits = page.evaluate(_WIDE_ELEMENTS)
            self.problems.append(
                f"horizontal scroll on {where}: content is {widths[0]}px wide in a {widths[1]}px viewport;"
                f" sticking out: {', '.join(culprits) or 'unknown'}"
            )

        if not page.evaluate("typeof window.axe === 'object'"):
            page.add_script_tag(path=str(AXE_JS))
        violations = page.evaluate(_RUN_AXE, [AXE_TAGS, list(BLOCKING_IMPACTS)])
        if violations:
            self.problems.append(format_violations(where, violations))

    def assert_clean(self) -> None:
        assert not self.problems, "\n\n".join(self.problems)
