"""Who may import registers (administrators) and who may read the reconciliation (intake officers, in scope)."""
import rules

from cases.permissions import is_admin, is_bawaslu

rules.add_perm("registers.import", is_admin)
rules.add_perm("registers.reconcile", is_bawaslu | is_admin)
