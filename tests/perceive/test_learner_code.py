"""The learner's own code, as perception reads it."""

from __future__ import annotations


def test_code_in_another_language_is_recognised_and_python_is_not() -> None:
    from molly.perceive.learner_code import foreign_code

    assert foreign_code("```java\nclass A {}\n```") == "Java"
    assert foreign_code("```\n#include <stdio.h>\nint main() { printf(\"x\"); }\n```") == "C"
    assert foreign_code("```\nfor (let i = 0; i < 3; i++) { console.log(i); }\n```") == "JavaScript"
    assert foreign_code("```python\ndef f():\n    return 1\n```") is None
    assert foreign_code("```\nx = [1, 2\nprint(x)\n```") is None  # broken Python is still Python
    assert foreign_code("```\nprint('#include <stdio.h>')\n```") is None  # parses: Python
