"""axe-core (vendored under tests/e2e/vendor/axe-core, MPL 2.0) run inside a Playwright page: serious or critical
violations of WCAG 2 A/AA rules, each as "rule: selector, ..." for a readable assertion."""
from pathlib import Path

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")


def serious_violations(page) -> list[str]:
    """Needs a context opened with bypass_csp=True: the script is injected inline, which a strict CSP refuses."""
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21aa"]}});
        return r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(" "))}));
    }""")
    return [f"{v['id']}: {', '.join(v['nodes'][:5])}" for v in violations if v["impact"] in SERIOUS]
