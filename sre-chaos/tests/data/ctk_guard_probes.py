# The comparator a `probe` tolerance calls in the generated cases: value <op> limit.
import operator
OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq, "!=": operator.ne}
def compare(op, limit, value=None):
    return OPS[op](value, limit)
