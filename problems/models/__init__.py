"""Models of problem management (SP-4.5.4): the problem record 问题, its causes and its solution tasks."""

from .problem import Cause, Problem, SolutionTask

__all__ = ["Cause", "Problem", "SolutionTask"]
