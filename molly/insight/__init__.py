"""What a course's learners are stuck on, for its instructor: topics of their questions, gaps in
the course material, troubles and declined requests (``summary.build``), as a page
(``report.render``) or in the Instructors tab (``ui.py``)."""

from molly.insight.report import render
from molly.insight.summary import Insight, build

__all__ = ["Insight", "build", "render"]
