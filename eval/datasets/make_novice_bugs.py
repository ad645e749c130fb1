#!/usr/bin/env python3
"""Write ``novice_bugs.jsonl``: 60 small buggy CS1 programs in the Socratic-debugging style.

Each item is a task, a student's buggy function, 2-3 examples in the learner's message, 8-12 hidden
tests (hand-written expected values, examples included), a minimal fix in the student's own style
and the 1-based ``bug_lines`` of the buggy code that the fix changes (for a line the fix only
*inserts*, a neighbouring line is marked: the line before or after the insertion point).

The bug kinds come from what CS1 instructors and the novice-error literature report (off-by-one
bounds, wrong comparison, ``=``/``==``, return inside a loop, missing return, print instead of
return, wrong accumulator start, forgetting to update or initialise, wrong variable, list aliasing,
integer division, str/int conversion, mutating a list while iterating, ``and``/``or``, wrong index,
using a method's None result, misplaced statements, wrong operator, early break, shadowing,
off-by-one slices, string methods that return new strings, recursion base cases, dictionary
counting ...). 40 items have one bug with a small fix, 10 one bug that needs a multi-token or
multi-line change, 10 two separate small bugs.

Written for Molly by a helper on 2026-12-07 *without* looking at Molly's repair rules, its tests or
its benchmarks: the set is held out for them. Standard library only; it never imports Molly.

Before writing, the script checks (and exits non-zero on any failure) that:
- each buggy program parses (at most 3 items may have a SyntaxError as the bug; their message
  quotes the SyntaxError the real run prints);
- the buggy code fails at least one hidden test and at least one example in the message (a value
  that is merely ``==`` to the expected one, such as 3 for 3.0, does not count as a failure);
- the fix passes every test exactly (``repr`` of the result equals ``expected_output``);
- every ``expected_output`` is a Python literal (``ast.literal_eval``) that round-trips via repr;
- the quoted actual value / traceback / printed output / "never finishes" is what a real run of
  the buggy code gives (the traceback is produced by running ``main.py`` = the code plus
  ``print(<call>)`` in a temporary directory; the directory is removed from file names);
- ``bug_lines`` agree with a line diff of ``code`` and ``fix_code``; functions have 4-20 lines;
  at least 40 different tasks.

Every run is a subprocess with a timeout (0.5 s per call, a memory cap); nothing here is a language
model. Run: ``python eval/datasets/make_novice_bugs.py`` (``--check`` to verify without writing).
"""
from __future__ import annotations

import argparse
import ast
import collections
import difflib
import json
import os
import random
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "novice_bugs.jsonl")
SOURCE = "written for Molly by a helper, 2026-12-07 (novice-error literature, CS1 experience)"
CALL_TIMEOUT = 0.5  # seconds per evaluated call inside the harness
SCRIPT_TIMEOUT = 3.0  # seconds for running main.py to quote its output

ITEMS: list[dict] = []


def item(problem, task, code, fix, tests, examples, ask, bug_lines, kinds, difficulty):
    """tests: list of (call, expected repr) in order; examples: indices into tests (2-3).

    ask: ("value", call, actual_repr) | ("error", call, last_line) | ("syntax", None, last_line)
         | ("hang", call, None) | ("stdout", call, printed_text)
    difficulty: "one" (one bug, small fix), "multi" (one bug, multi-token / multi-line fix),
                "two" (two separate bugs).
    """
    ITEMS.append(dict(problem=problem, task=task, code=code.strip("\n"), fix=fix.strip("\n"),
                      tests=tests, examples=examples, ask=ask, bug_lines=bug_lines,
                      kinds=kinds, difficulty=difficulty))


# --------------------------------------------------------------------------------------------
# One bug, small fix (40)
# --------------------------------------------------------------------------------------------

item("Count even numbers",
     "Write a function `count_evens(nums)` that returns how many numbers in the list `nums` are even.",
     """
def count_evens(nums):
    count = 0
    for i in range(1, len(nums)):
        if nums[i] % 2 == 0:
            count += 1
    return count
""", """
def count_evens(nums):
    count = 0
    for i in range(len(nums)):
        if nums[i] % 2 == 0:
            count += 1
    return count
""",
     [("count_evens([1, 2, 3, 4])", "2"), ("count_evens([2, 4, 6])", "3"),
      ("count_evens([])", "0"), ("count_evens([7])", "0"), ("count_evens([8])", "1"),
      ("count_evens([-2, -3])", "1"), ("count_evens([0])", "1"), ("count_evens([1, 3, 5])", "0"),
      ("count_evens([2, 2, 2, 2])", "4"), ("count_evens([10, 1, 12])", "2")],
     [0, 1], ("value", "count_evens([2, 4, 6])", "2"), [3], ["off_by_one_loop_bound"], "one")

item("Product of a list",
     "Write `product(nums)` that returns the product of all the numbers in `nums`. The product of an empty list is 1.",
     """
def product(nums):
    result = 0
    for n in nums:
        result = result * n
    return result
""", """
def product(nums):
    result = 1
    for n in nums:
        result = result * n
    return result
""",
     [("product([2, 3, 4])", "24"), ("product([5])", "5"), ("product([])", "1"),
      ("product([0, 5])", "0"), ("product([-2, 3])", "-6"), ("product([1, 1, 1])", "1"),
      ("product([-1, -1])", "1"), ("product([10, 10])", "100"), ("product([7])", "7")],
     [0, 1], ("value", "product([2, 3, 4])", "0"), [2], ["wrong_accumulator_start"], "one")

item("Largest number",
     "Write `find_max(nums)` that returns the largest number in a non-empty list, without using `max()`.",
     """
def find_max(nums):
    largest = 0
    for n in nums:
        if n > largest:
            largest = n
    return largest
""", """
def find_max(nums):
    largest = nums[0]
    for n in nums:
        if n > largest:
            largest = n
    return largest
""",
     [("find_max([3, 9, 2])", "9"), ("find_max([-3, -7, -1])", "-1"), ("find_max([5])", "5"),
      ("find_max([-5])", "-5"), ("find_max([0, -1])", "0"), ("find_max([1, 1])", "1"),
      ("find_max([-10, -20, -3, -4])", "-3"), ("find_max([4, 8, 8, 1])", "8"),
      ("find_max([100, 50])", "100")],
     [0, 1], ("value", "find_max([-3, -7, -1])", "0"), [2], ["wrong_initial_value"], "one")

item("Average of a list",
     "Write `average(nums)` that returns the average (mean) of a non-empty list of numbers.",
     """
def average(nums):
    total = 0
    for n in nums:
        total += n
    return total // len(nums)
""", """
def average(nums):
    total = 0
    for n in nums:
        total += n
    return total / len(nums)
""",
     [("average([2, 4])", "3.0"), ("average([1, 2, 3, 4])", "2.5"), ("average([5])", "5.0"),
      ("average([1, 2])", "1.5"), ("average([-1, -2])", "-1.5"),
      ("average([0, 0, 1])", "0.3333333333333333"), ("average([10, 20, 30])", "20.0"),
      ("average([7, 8])", "7.5"), ("average([-3, 3])", "0.0")],
     [0, 1], ("value", "average([1, 2, 3, 4])", "2"), [5], ["integer_division"], "one")

item("Palindrome check",
     "Write `is_palindrome(word)` that returns True if `word` reads the same forwards and backwards (case matters), otherwise False.",
     """
def is_palindrome(word):
    for i in range(len(word) // 2):
        if word[i] != word[len(word) - i]:
            return False
    return True
""", """
def is_palindrome(word):
    for i in range(len(word) // 2):
        if word[i] != word[len(word) - 1 - i]:
            return False
    return True
""",
     [("is_palindrome('racecar')", "True"), ("is_palindrome('hello')", "False"),
      ("is_palindrome('')", "True"), ("is_palindrome('a')", "True"), ("is_palindrome('ab')", "False"),
      ("is_palindrome('aa')", "True"), ("is_palindrome('abba')", "True"),
      ("is_palindrome('abca')", "False"), ("is_palindrome('noon')", "True"),
      ("is_palindrome('Noon')", "False")],
     [0, 1], ("error", "is_palindrome('racecar')", "IndexError: string index out of range"),
     [3], ["wrong_index"], "one")

item("Remove negative numbers",
     "Write `remove_negatives(nums)` that removes every negative number from the list `nums` and returns the list.",
     """
def remove_negatives(nums):
    for n in nums:
        if n < 0:
            nums.remove(n)
    return nums
""", """
def remove_negatives(nums):
    for n in nums[:]:
        if n < 0:
            nums.remove(n)
    return nums
""",
     [("remove_negatives([1, -2, 3])", "[1, 3]"), ("remove_negatives([-1, -2, 3])", "[3]"),
      ("remove_negatives([])", "[]"), ("remove_negatives([5])", "[5]"), ("remove_negatives([-5])", "[]"),
      ("remove_negatives([-1, -1, -1])", "[]"), ("remove_negatives([0, -3])", "[0]"),
      ("remove_negatives([4, -4, -4, 4])", "[4, 4]"), ("remove_negatives([-7, 8, -9])", "[8]")],
     [0, 1], ("value", "remove_negatives([-1, -2, 3])", "[-2, 3]"), [2],
     ["mutating_list_while_iterating"], "one")

item("List of prefixes",
     "Write `prefixes(nums)` that returns a list of all the prefixes of `nums`, shortest first.",
     """
def prefixes(nums):
    result = []
    current = []
    for n in nums:
        current.append(n)
        result.append(current)
    return result
""", """
def prefixes(nums):
    result = []
    current = []
    for n in nums:
        current.append(n)
        result.append(current[:])
    return result
""",
     [("prefixes([1, 2, 3])", "[[1], [1, 2], [1, 2, 3]]"), ("prefixes([7])", "[[7]]"),
      ("prefixes([])", "[]"), ("prefixes([5, 5])", "[[5], [5, 5]]"), ("prefixes([0, -1])", "[[0], [0, -1]]"),
      ("prefixes([4, 3, 2, 1])", "[[4], [4, 3], [4, 3, 2], [4, 3, 2, 1]]"),
      ("prefixes([9, 8])", "[[9], [9, 8]]"), ("prefixes(['a', 'b'])", "[['a'], ['a', 'b']]")],
     [0, 1], ("value", "prefixes([1, 2, 3])", "[[1, 2, 3], [1, 2, 3], [1, 2, 3]]"), [6],
     ["list_aliasing"], "one")

item("Three smallest numbers",
     "Write `smallest_three(nums)` that returns the three smallest numbers of `nums` (a list with at least three numbers) in increasing order.",
     """
def smallest_three(nums):
    ordered = nums.sort()
    result = []
    for i in range(3):
        result.append(ordered[i])
    return result
""", """
def smallest_three(nums):
    ordered = sorted(nums)
    result = []
    for i in range(3):
        result.append(ordered[i])
    return result
""",
     [("smallest_three([5, 1, 4, 2])", "[1, 2, 4]"), ("smallest_three([3, 2, 1])", "[1, 2, 3]"),
      ("smallest_three([1, 1, 1, 0])", "[0, 1, 1]"), ("smallest_three([-5, 10, -7, 0])", "[-7, -5, 0]"),
      ("smallest_three([9, 8, 7, 6, 5])", "[5, 6, 7]"), ("smallest_three([2, 2, 2])", "[2, 2, 2]"),
      ("smallest_three([100, -100, 50, 0])", "[-100, 0, 50]"), ("smallest_three([1, 2, 3])", "[1, 2, 3]")],
     [0, 1], ("error", "smallest_three([5, 1, 4, 2])", "TypeError: 'NoneType' object is not subscriptable"),
     [2], ["using_method_none_result"], "one")

item("Shout a message",
     "Write `shout(text)` that returns `text` in capital letters with one \"!\" at the end (add it only if the text does not already end with \"!\").",
     """
def shout(text):
    text.upper()
    if not text.endswith("!"):
        text = text + "!"
    return text
""", """
def shout(text):
    text = text.upper()
    if not text.endswith("!"):
        text = text + "!"
    return text
""",
     [("shout('hello')", "'HELLO!'"), ("shout('stop!')", "'STOP!'"), ("shout('')", "'!'"),
      ("shout('!')", "'!'"), ("shout('a')", "'A!'"), ("shout('Hi there')", "'HI THERE!'"),
      ("shout('123')", "'123!'"), ("shout('ok!!')", "'OK!!'"), ("shout('Wow')", "'WOW!'")],
     [0, 1], ("value", "shout('hello')", "'hello!'"), [2], ["string_method_result_ignored"], "one")

item("Total price",
     "Write `total_price(prices)` that returns the total of all the prices in the list `prices`.",
     """
def total_price(prices):
    total = 0
    for p in prices:
        total = total + p
    print(total)
""", """
def total_price(prices):
    total = 0
    for p in prices:
        total = total + p
    return total
""",
     [("total_price([3, 4])", "7"), ("total_price([])", "0"), ("total_price([10])", "10"),
      ("total_price([1, 2, 3])", "6"), ("total_price([-5, 5])", "0"), ("total_price([2.5, 2.5])", "5.0"),
      ("total_price([100, 200, 300])", "600"), ("total_price([0])", "0")],
     [0, 1], ("stdout", "total_price([3, 4])", "7\nNone\n"), [5], ["print_instead_of_return"], "one")

item("Longest word",
     "Write `longest_word(words)` that returns the longest word in the list (the first one if several are equally long, and \"\" for an empty list).",
     """
def longest_word(words):
    longest = ""
    for w in words:
        if len(w) > len(longest):
            longest = w
""", """
def longest_word(words):
    longest = ""
    for w in words:
        if len(w) > len(longest):
            longest = w
    return longest
""",
     [("longest_word(['hi', 'hello', 'hey'])", "'hello'"), ("longest_word(['cat', 'dog'])", "'cat'"),
      ("longest_word([])", "''"), ("longest_word(['a'])", "'a'"), ("longest_word(['ab', 'abc', 'xyz'])", "'abc'"),
      ("longest_word(['', ''])", "''"), ("longest_word(['python', 'is', 'fun'])", "'python'"),
      ("longest_word(['aa', 'b', 'cc'])", "'aa'")],
     [0, 1], ("value", "longest_word(['hi', 'hello', 'hey'])", "None"), [5], ["missing_return"], "one")

item("Count long words",
     "Write `count_long_words(words, n)` that returns how many words in the list `words` have more than `n` letters.",
     """
def count_long_words(words, n):
    count = 0
    for word in words:
        if len(words) > n:
            count += 1
    return count
""", """
def count_long_words(words, n):
    count = 0
    for word in words:
        if len(word) > n:
            count += 1
    return count
""",
     [("count_long_words(['apple', 'fig', 'banana'], 3)", "2"), ("count_long_words(['a', 'bb'], 1)", "1"),
      ("count_long_words([], 0)", "0"), ("count_long_words(['hello'], 5)", "0"),
      ("count_long_words(['hello'], 4)", "1"), ("count_long_words(['a', 'b', 'c', 'd'], 0)", "4"),
      ("count_long_words(['tree', 'leaf', 'root', 'bark', 'sky'], 3)", "4"),
      ("count_long_words(['x'], 0)", "1"), ("count_long_words(['one', 'three', 'five'], 4)", "1")],
     [0, 1], ("value", "count_long_words(['apple', 'fig', 'banana'], 3)", "0"), [4], ["wrong_variable"], "one")

item("Count numbers in a range",
     "Write `count_in_range(nums, low, high)` that returns how many numbers in `nums` are between `low` and `high`, both included.",
     """
def count_in_range(nums, low, high):
    count = 0
    for n in nums:
        if n >= low or n <= high:
            count += 1
    return count
""", """
def count_in_range(nums, low, high):
    count = 0
    for n in nums:
        if n >= low and n <= high:
            count += 1
    return count
""",
     [("count_in_range([1, 5, 10], 2, 8)", "1"), ("count_in_range([3, 4], 3, 4)", "2"),
      ("count_in_range([], 0, 10)", "0"), ("count_in_range([0], 0, 0)", "1"),
      ("count_in_range([-5, 0, 5], -1, 1)", "1"), ("count_in_range([10, 20], 30, 40)", "0"),
      ("count_in_range([1, 2, 3, 4, 5], 2, 4)", "3"), ("count_in_range([7], 1, 6)", "0"),
      ("count_in_range([-3, -2, -1], -3, -2)", "2")],
     [0, 1], ("value", "count_in_range([1, 5, 10], 2, 8)", "3"), [4], ["and_or_confusion"], "one")

item("Sum of digits",
     "Write `sum_digits(n)` that returns the sum of the digits of a non-negative integer `n`.",
     """
def sum_digits(n):
    total = 0
    for digit in str(n):
        total += digit
    return total
""", """
def sum_digits(n):
    total = 0
    for digit in str(n):
        total += int(digit)
    return total
""",
     [("sum_digits(123)", "6"), ("sum_digits(9)", "9"), ("sum_digits(0)", "0"), ("sum_digits(1000)", "1"),
      ("sum_digits(999)", "27"), ("sum_digits(55)", "10"), ("sum_digits(10203)", "6"), ("sum_digits(7)", "7")],
     [0, 1], ("error", "sum_digits(123)", "TypeError: unsupported operand type(s) for +=: 'int' and 'str'"),
     [4], ["str_int_conversion"], "one")

item("Search a list",
     "Write `contains(nums, target)` that checks the items one by one with a loop and returns True if `target` is in the list, otherwise False.",
     """
def contains(nums, target):
    found = False
    for n in nums:
        if n == target:
            found = True
        break
    return found
""", """
def contains(nums, target):
    found = False
    for n in nums:
        if n == target:
            found = True
            break
    return found
""",
     [("contains([4, 5, 6], 4)", "True"), ("contains([4, 5, 6], 6)", "True"), ("contains([], 1)", "False"),
      ("contains([1], 1)", "True"), ("contains([1], 2)", "False"), ("contains([1, 2, 3], 2)", "True"),
      ("contains([0, 0], 1)", "False"), ("contains([-1, -2], -2)", "True"),
      ("contains([7, 8, 9, 10], 11)", "False"), ("contains([3, 3, 3], 3)", "True")],
     [0, 1], ("value", "contains([4, 5, 6], 6)", "False"), [6], ["early_break"], "one")

item("Trim the ends of a string",
     "Write `trim_ends(text)` that returns `text` without its first and last character (\"\" if the text has 2 characters or fewer).",
     """
def trim_ends(text):
    if len(text) <= 2:
        return ""
    return text[1:len(text) - 2]
""", """
def trim_ends(text):
    if len(text) <= 2:
        return ""
    return text[1:len(text) - 1]
""",
     [("trim_ends('hello')", "'ell'"), ("trim_ends('[x]')", "'x'"), ("trim_ends('')", "''"),
      ("trim_ends('a')", "''"), ("trim_ends('ab')", "''"), ("trim_ends('abc')", "'b'"),
      ("trim_ends('(python)')", "'python'"), ("trim_ends('  ')", "''"), ("trim_ends('abcd')", "'bc'")],
     [0, 1], ("value", "trim_ends('hello')", "'el'"), [4], ["off_by_one_slice"], "one")

item("Recursive factorial",
     "Write a recursive function `factorial(n)` for n >= 0 (no loops). Remember that factorial(0) is 1.",
     """
def factorial(n):
    if n == 1:
        return 1
    return n * factorial(n - 1)
""", """
def factorial(n):
    if n == 0:
        return 1
    return n * factorial(n - 1)
""",
     [("factorial(4)", "24"), ("factorial(0)", "1"), ("factorial(1)", "1"), ("factorial(2)", "2"),
      ("factorial(3)", "6"), ("factorial(5)", "120"), ("factorial(6)", "720"), ("factorial(10)", "3628800")],
     [0, 1], ("error", "factorial(0)", "RecursionError: maximum recursion depth exceeded"),
     [2], ["recursion_base_case"], "one")

item("Word counts",
     "Write `word_counts(words)` that returns a dictionary mapping each word in the list to the number of times it appears.",
     """
def word_counts(words):
    counts = {}
    for w in words:
        if w in counts:
            counts[w] += 1
        else:
            counts[w] = 0
    return counts
""", """
def word_counts(words):
    counts = {}
    for w in words:
        if w in counts:
            counts[w] += 1
        else:
            counts[w] = 1
    return counts
""",
     [("word_counts(['a', 'b', 'a'])", "{'a': 2, 'b': 1}"), ("word_counts([])", "{}"),
      ("word_counts(['x'])", "{'x': 1}"), ("word_counts(['hi', 'hi', 'hi'])", "{'hi': 3}"),
      ("word_counts(['A', 'a'])", "{'A': 1, 'a': 1}"),
      ("word_counts(['dog', 'cat', 'dog', 'cow'])", "{'dog': 2, 'cat': 1, 'cow': 1}"),
      ("word_counts([''])", "{'': 1}"), ("word_counts(['b', 'a'])", "{'b': 1, 'a': 1}")],
     [0, 1], ("value", "word_counts(['a', 'b', 'a'])", "{'a': 1, 'b': 0}"), [7], ["dict_counting"], "one")

item("Students who passed",
     "`scores` is a dictionary mapping a student's name to their score. Write `passed_students(scores)` that returns a list of the names (in dictionary order) of the students who scored 50 or more.",
     """
def passed_students(scores):
    names = []
    for name, score in scores:
        if score >= 50:
            names.append(name)
    return names
""", """
def passed_students(scores):
    names = []
    for name, score in scores.items():
        if score >= 50:
            names.append(name)
    return names
""",
     [("passed_students({'Ana': 70, 'Ben': 40})", "['Ana']"), ("passed_students({})", "[]"),
      ("passed_students({'Zoe': 50})", "['Zoe']"), ("passed_students({'Al': 10})", "[]"),
      ("passed_students({'Kim': 49, 'Lee': 51, 'Max': 100})", "['Lee', 'Max']"),
      ("passed_students({'Sam': 0})", "[]"), ("passed_students({'Eve': 99, 'Ian': 98})", "['Eve', 'Ian']"),
      ("passed_students({'Bo': 50, 'Cy': 60})", "['Bo', 'Cy']")],
     [0, 1], ("error", "passed_students({'Ana': 70, 'Ben': 40})", "ValueError: too many values to unpack (expected 2)"),
     [3], ["dict_iteration_items"], "one")

item("Count digits",
     "Write `count_digits(n)` that returns how many digits the positive integer `n` has. Use a loop that divides by 10 (do not convert to a string).",
     """
def count_digits(n):
    count = 0
    while n > 0:
        count += 1
        n // 10
    return count
""", """
def count_digits(n):
    count = 0
    while n > 0:
        count += 1
        n = n // 10
    return count
""",
     [("count_digits(7)", "1"), ("count_digits(2024)", "4"), ("count_digits(1)", "1"), ("count_digits(9)", "1"),
      ("count_digits(10)", "2"), ("count_digits(99)", "2"), ("count_digits(100)", "3"),
      ("count_digits(12345)", "5"), ("count_digits(1000000)", "7")],
     [0, 1], ("hang", "count_digits(2024)", None), [5], ["variable_not_updated"], "one")

item("Sum of positive numbers",
     "Write `sum_positive(nums)` that returns the sum of the positive numbers in `nums`.",
     """
def sum_positive(nums):
    total = 0
    for n in nums:
        if n > 0:
            total += n
        return total
""", """
def sum_positive(nums):
    total = 0
    for n in nums:
        if n > 0:
            total += n
    return total
""",
     [("sum_positive([1, -2, 3])", "4"), ("sum_positive([-1, -2])", "0"), ("sum_positive([])", "0"),
      ("sum_positive([5])", "5"), ("sum_positive([0, 0])", "0"), ("sum_positive([-5, 10])", "10"),
      ("sum_positive([2, 2, 2])", "6"), ("sum_positive([-1, 1, -1, 1])", "2"), ("sum_positive([3, -3, 4])", "7")],
     [0, 1], ("value", "sum_positive([1, -2, 3])", "1"), [6], ["return_inside_loop"], "one")

item("Sum of squares",
     "Write `sum_of_squares(n)` that returns 1*1 + 2*2 + ... + n*n (0 for n = 0).",
     """
def sum_of_squares(n):
    total = 0
    for i in range(1, n + 1):
        total += i ^ 2
    return total
""", """
def sum_of_squares(n):
    total = 0
    for i in range(1, n + 1):
        total += i ** 2
    return total
""",
     [("sum_of_squares(3)", "14"), ("sum_of_squares(1)", "1"), ("sum_of_squares(0)", "0"),
      ("sum_of_squares(2)", "5"), ("sum_of_squares(4)", "30"), ("sum_of_squares(5)", "55"),
      ("sum_of_squares(6)", "91"), ("sum_of_squares(10)", "385")],
     [0, 1], ("value", "sum_of_squares(3)", "4"), [4], ["wrong_operator"], "one")

item("Total length of words",
     "Write `total_length(words)` that returns the total number of characters in all the strings in `words`.",
     """
def total_length(words):
    total = 0
    for w in words:
        total =+ len(w)
    return total
""", """
def total_length(words):
    total = 0
    for w in words:
        total += len(w)
    return total
""",
     [("total_length(['ab', 'cde'])", "5"), ("total_length(['hello'])", "5"), ("total_length([])", "0"),
      ("total_length([''])", "0"), ("total_length(['a', 'b', 'c'])", "3"), ("total_length(['abc', ''])", "3"),
      ("total_length(['python', 'java'])", "10"), ("total_length(['one', 'two', 'three'])", "11"),
      ("total_length(['  '])", "2")],
     [0, 1], ("value", "total_length(['ab', 'cde'])", "3"), [4], ["wrong_operator"], "one")

item("Acronym",
     "Write `acronym(phrase)` that returns the first letter of every word in `phrase`, in capitals.",
     """
def acronym(phrase):
    result = ""
    for word in phrase.split():
        result = result + word[0].upper
    return result
""", """
def acronym(phrase):
    result = ""
    for word in phrase.split():
        result = result + word[0].upper()
    return result
""",
     [("acronym('portable network graphics')", "'PNG'"), ("acronym('as soon as possible')", "'ASAP'"),
      ("acronym('')", "''"), ("acronym('hello')", "'H'"), ("acronym('Central Processing Unit')", "'CPU'"),
      ("acronym('  lots   of   space  ')", "'LOS'"), ("acronym('a b c')", "'ABC'"),
      ("acronym('World Health organization')", "'WHO'")],
     [0, 1], ("error", "acronym('portable network graphics')",
              "TypeError: can only concatenate str (not \"builtin_function_or_method\") to str"),
     [4], ["missing_call_parentheses"], "one")

item("BMI category",
     "Write `bmi_category(weight, height)` (kg and metres). BMI is weight divided by height squared; return \"underweight\" below 18.5, \"normal\" below 25, otherwise \"overweight\".",
     """
def bmi_category(weight, height):
    bmi = weight / height * height
    if bmi < 18.5:
        return "underweight"
    elif bmi < 25:
        return "normal"
    else:
        return "overweight"
""", """
def bmi_category(weight, height):
    bmi = weight / (height * height)
    if bmi < 18.5:
        return "underweight"
    elif bmi < 25:
        return "normal"
    else:
        return "overweight"
""",
     [("bmi_category(70, 1.75)", "'normal'"), ("bmi_category(90, 1.7)", "'overweight'"),
      ("bmi_category(50, 1.8)", "'underweight'"), ("bmi_category(60, 1.6)", "'normal'"),
      ("bmi_category(18, 1.0)", "'underweight'"), ("bmi_category(24, 1.0)", "'normal'"),
      ("bmi_category(100, 2.0)", "'overweight'"), ("bmi_category(45, 1.5)", "'normal'"),
      ("bmi_category(120, 1.8)", "'overweight'")],
     [0, 1], ("value", "bmi_category(70, 1.75)", "'overweight'"), [2], ["operator_precedence"], "one")

item("Invert a dictionary",
     "Write `invert(d)` that returns a new dictionary where the keys of `d` become the values and the values become the keys (all values are different).",
     """
def invert(d):
    result = {}
    for key in d:
        value = d[key]
        result[key] = value
    return result
""", """
def invert(d):
    result = {}
    for key in d:
        value = d[key]
        result[value] = key
    return result
""",
     [("invert({'a': 1, 'b': 2})", "{1: 'a', 2: 'b'}"), ("invert({})", "{}"), ("invert({'x': 'y'})", "{'y': 'x'}"),
      ("invert({'one': 1, 'two': 2, 'three': 3})", "{1: 'one', 2: 'two', 3: 'three'}"),
      ("invert({'k': 0})", "{0: 'k'}"), ("invert({5: 'five'})", "{'five': 5}"), ("invert({'a': 'a'})", "{'a': 'a'}"),
      ("invert({(1, 2): 'pair'})", "{'pair': (1, 2)}"), ("invert({'x': -1, 'y': -2})", "{-1: 'x', -2: 'y'}")],
     [0, 1], ("value", "invert({'a': 1, 'b': 2})", "{'a': 1, 'b': 2}"), [5], ["wrong_variable"], "one")

item("Passing scores",
     "Write `only_passing(scores)` that returns a new list with only the passing scores. A score of 50 or more passes.",
     """
def only_passing(scores):
    passing = []
    for s in scores:
        if s > 50:
            passing.append(s)
    return passing
""", """
def only_passing(scores):
    passing = []
    for s in scores:
        if s >= 50:
            passing.append(s)
    return passing
""",
     [("only_passing([30, 70, 90])", "[70, 90]"), ("only_passing([50, 49, 51])", "[50, 51]"),
      ("only_passing([])", "[]"), ("only_passing([50])", "[50]"), ("only_passing([0])", "[]"),
      ("only_passing([100, 50, 50])", "[100, 50, 50]"), ("only_passing([49.5, 50.5])", "[50.5]"),
      ("only_passing([10, 20])", "[]"), ("only_passing([60])", "[60]")],
     [0, 1], ("value", "only_passing([50, 49, 51])", "[51]"), [4], ["wrong_comparison"], "one")

item("Remove duplicates",
     "Write `remove_duplicates(items)` that returns a new list with the items of `items` in the same order, but each value only once.",
     """
def remove_duplicates(items):
    result = []
    for x in items:
        if x not in items:
            result.append(x)
    return result
""", """
def remove_duplicates(items):
    result = []
    for x in items:
        if x not in result:
            result.append(x)
    return result
""",
     [("remove_duplicates([1, 2, 1, 3])", "[1, 2, 3]"), ("remove_duplicates(['a', 'a'])", "['a']"),
      ("remove_duplicates([])", "[]"), ("remove_duplicates([5])", "[5]"), ("remove_duplicates([2, 2, 2])", "[2]"),
      ("remove_duplicates([3, 1, 3, 2, 1])", "[3, 1, 2]"), ("remove_duplicates(['x', 'y'])", "['x', 'y']"),
      ("remove_duplicates([-1, 1, -1])", "[-1, 1]"), ("remove_duplicates([1, 2, 3])", "[1, 2, 3]")],
     [0, 1], ("value", "remove_duplicates([1, 2, 1, 3])", "[]"), [4], ["wrong_variable"], "one")

item("Running total",
     "Write `running_total(nums)` that returns a list where each element is the sum of all numbers of `nums` up to and including that position.",
     """
def running_total(nums):
    totals = []
    total = 0
    for n in nums:
        totals.append(total)
        total += n
    return totals
""", """
def running_total(nums):
    totals = []
    total = 0
    for n in nums:
        total += n
        totals.append(total)
    return totals
""",
     [("running_total([1, 2, 3])", "[1, 3, 6]"), ("running_total([])", "[]"), ("running_total([5])", "[5]"),
      ("running_total([0, 0])", "[0, 0]"), ("running_total([-1, 1])", "[-1, 0]"),
      ("running_total([10, -5, 5])", "[10, 5, 10]"), ("running_total([2, 2, 2, 2])", "[2, 4, 6, 8]"),
      ("running_total([1.5, 1.5])", "[1.5, 3.0]")],
     [0, 1], ("value", "running_total([1, 2, 3])", "[0, 1, 3]"), [5, 6], ["misplaced_statement"], "one")

item("Count capital letters",
     "Write `count_upper(text)` that returns how many uppercase letters are in `text`.",
     """
def count_upper(text):
    count = 0
    for ch in text:
        if ch.isupper:
            count += 1
    return count
""", """
def count_upper(text):
    count = 0
    for ch in text:
        if ch.isupper():
            count += 1
    return count
""",
     [("count_upper('Hello World')", "2"), ("count_upper('abc')", "0"), ("count_upper('')", "0"),
      ("count_upper('ABC')", "3"), ("count_upper('a')", "0"), ("count_upper('HeLLo')", "3"),
      ("count_upper('123!')", "0"), ("count_upper('Python 3.11 Is Fun')", "3"), ("count_upper('x Y z')", "1")],
     [0, 1], ("value", "count_upper('Hello World')", "11"), [4], ["missing_call_parentheses"], "one")

item("Triangle type",
     "Write `triangle_type(a, b, c)` that returns \"equilateral\" if all three sides are equal, \"isosceles\" if exactly two are equal, and \"scalene\" otherwise.",
     """
def triangle_type(a, b, c):
    if a == b and b == c:
        return "equilateral"
    elif a == b or b == c:
        return "isosceles"
    else:
        return "scalene"
""", """
def triangle_type(a, b, c):
    if a == b and b == c:
        return "equilateral"
    elif a == b or b == c or a == c:
        return "isosceles"
    else:
        return "scalene"
""",
     [("triangle_type(3, 3, 3)", "'equilateral'"), ("triangle_type(4, 5, 4)", "'isosceles'"),
      ("triangle_type(3, 4, 5)", "'scalene'"), ("triangle_type(2, 2, 3)", "'isosceles'"),
      ("triangle_type(3, 2, 2)", "'isosceles'"), ("triangle_type(7, 1, 7)", "'isosceles'"),
      ("triangle_type(1, 1, 1)", "'equilateral'"), ("triangle_type(5, 6, 7)", "'scalene'"),
      ("triangle_type(10, 9, 10)", "'isosceles'")],
     [0, 1], ("value", "triangle_type(4, 5, 4)", "'scalene'"), [4], ["incomplete_condition"], "one")

item("Word lengths",
     "Write `word_lengths(words)` that returns a list with the length of each word in `words`.",
     """
def word_lengths(words):
    lengths = []
    for w in words:
        lengths = len(w)
    return lengths
""", """
def word_lengths(words):
    lengths = []
    for w in words:
        lengths.append(len(w))
    return lengths
""",
     [("word_lengths(['hi', 'there'])", "[2, 5]"), ("word_lengths([])", "[]"), ("word_lengths(['a'])", "[1]"),
      ("word_lengths([''])", "[0]"), ("word_lengths(['abc', 'de', 'f'])", "[3, 2, 1]"),
      ("word_lengths(['same', 'size'])", "[4, 4]"), ("word_lengths(['hello world'])", "[11]"),
      ("word_lengths(['x', 'yy', 'zzz', 'wwww'])", "[1, 2, 3, 4]")],
     [0, 1], ("value", "word_lengths(['hi', 'there'])", "5"), [4], ["assign_instead_of_append"], "one")

item("Join with commas",
     "Write `join_with_commas(items)` that joins a list of strings into one string with \", \" between them (no comma at the end), using a loop.",
     """
def join_with_commas(items):
    result = ""
    for item in items:
        result = result + item + ", "
    return result
""", """
def join_with_commas(items):
    result = ""
    for item in items:
        result = result + item + ", "
    return result[:-2]
""",
     [("join_with_commas(['a', 'b', 'c'])", "'a, b, c'"), ("join_with_commas(['solo'])", "'solo'"),
      ("join_with_commas([])", "''"), ("join_with_commas(['x', 'y'])", "'x, y'"),
      ("join_with_commas(['', ''])", "', '"), ("join_with_commas(['red', 'green'])", "'red, green'"),
      ("join_with_commas(['one two'])", "'one two'"), ("join_with_commas(['1', '2', '3', '4'])", "'1, 2, 3, 4'")],
     [0, 1], ("value", "join_with_commas(['a', 'b', 'c'])", "'a, b, c, '"), [5], ["fencepost"], "one")

item("Is the list sorted?",
     "Write `is_sorted(nums)` that returns True if the numbers in `nums` are in non-decreasing order, otherwise False.",
     """
def is_sorted(nums):
    for i in range(len(nums)):
        if nums[i] > nums[i + 1]:
            return False
    return True
""", """
def is_sorted(nums):
    for i in range(len(nums) - 1):
        if nums[i] > nums[i + 1]:
            return False
    return True
""",
     [("is_sorted([1, 2, 3])", "True"), ("is_sorted([3, 1, 2])", "False"), ("is_sorted([])", "True"),
      ("is_sorted([5])", "True"), ("is_sorted([2, 2])", "True"), ("is_sorted([2, 1])", "False"),
      ("is_sorted([1, 2, 2, 3])", "True"), ("is_sorted([-3, -2, -1])", "True"), ("is_sorted([1, 3, 2])", "False"),
      ("is_sorted([10])", "True")],
     [0, 1], ("error", "is_sorted([1, 2, 3])", "IndexError: list index out of range"), [2],
     ["off_by_one_loop_bound"], "one")

item("Count multiples",
     "Write `count_multiples(nums, k)` that returns how many numbers in `nums` are multiples of `k`.",
     """
def count_multiples(nums, k):
    count = 0
    for n in nums:
        if n % k = 0:
            count += 1
    return count
""", """
def count_multiples(nums, k):
    count = 0
    for n in nums:
        if n % k == 0:
            count += 1
    return count
""",
     [("count_multiples([3, 6, 7], 3)", "2"), ("count_multiples([1, 2, 3, 4], 2)", "2"),
      ("count_multiples([], 5)", "0"), ("count_multiples([0], 7)", "1"), ("count_multiples([5, 10, 15], 5)", "3"),
      ("count_multiples([1, 2], 3)", "0"), ("count_multiples([-4, 4], 4)", "2"),
      ("count_multiples([9, 10, 11, 12], 3)", "2")],
     [0, 1], ("syntax", None, "SyntaxError: cannot assign to expression here. Maybe you meant '==' instead of '='?"),
     [4], ["assign_instead_of_eq"], "one")

item("Recursive list sum",
     "Write a recursive function `sum_list(nums)` (no loops) that returns the sum of the numbers in `nums`.",
     """
def sum_list(nums):
    if len(nums) == 0:
        return 0
    else:
        nums[0] + sum_list(nums[1:])
""", """
def sum_list(nums):
    if len(nums) == 0:
        return 0
    else:
        return nums[0] + sum_list(nums[1:])
""",
     [("sum_list([1, 2, 3])", "6"), ("sum_list([])", "0"), ("sum_list([5])", "5"), ("sum_list([-1, 1])", "0"),
      ("sum_list([10, 20, 30, 40])", "100"), ("sum_list([0])", "0"), ("sum_list([2.5, 2.5])", "5.0"),
      ("sum_list([-3])", "-3"), ("sum_list([1, 1, 1, 1, 1])", "5")],
     [0, 1], ("error", "sum_list([1, 2, 3])", "TypeError: unsupported operand type(s) for +: 'int' and 'NoneType'"),
     [5], ["missing_return"], "one")

item("Count matching positions",
     "Write `count_matches(a, b)` that takes two strings of the same length and returns at how many positions they have the same character.",
     """
def count_matches(a, b):
    count = 0
    for i in range(len(a)):
        if a[i] == b[i]:
            count == count + 1
    return count
""", """
def count_matches(a, b):
    count = 0
    for i in range(len(a)):
        if a[i] == b[i]:
            count = count + 1
    return count
""",
     [("count_matches('abc', 'abd')", "2"), ("count_matches('aaa', 'bbb')", "0"), ("count_matches('', '')", "0"),
      ("count_matches('x', 'x')", "1"), ("count_matches('x', 'y')", "0"), ("count_matches('hello', 'hallo')", "4"),
      ("count_matches('abcd', 'dcba')", "0"), ("count_matches('1234', '1234')", "4"),
      ("count_matches('ab', 'ba')", "0"), ("count_matches('cat', 'cot')", "2")],
     [0, 1], ("value", "count_matches('abc', 'abd')", "0"), [5], ["eq_instead_of_assign"], "one")

item("Describe a person",
     "Write `describe(name, age)` that returns a sentence like \"Ana is 20 years old and an adult\" (\"a minor\" if the age is under 18).",
     """
def describe(name, age):
    if age < 18:
        group = "a minor"
    else:
        group = "an adult"
    return name + " is " + age + " years old and " + group
""", """
def describe(name, age):
    if age < 18:
        group = "a minor"
    else:
        group = "an adult"
    return name + " is " + str(age) + " years old and " + group
""",
     [("describe('Ana', 20)", "'Ana is 20 years old and an adult'"),
      ("describe('Ben', 12)", "'Ben is 12 years old and a minor'"),
      ("describe('Cy', 18)", "'Cy is 18 years old and an adult'"), ("describe('Di', 17)", "'Di is 17 years old and a minor'"),
      ("describe('Ed', 0)", "'Ed is 0 years old and a minor'"), ("describe('Flo', 99)", "'Flo is 99 years old and an adult'"),
      ("describe('', 30)", "' is 30 years old and an adult'"), ("describe('Gus', 1)", "'Gus is 1 years old and a minor'")],
     [0, 1], ("error", "describe('Ana', 20)", "TypeError: can only concatenate str (not \"int\") to str"),
     [6], ["str_int_conversion"], "one")

item("Count negative numbers",
     "Write `count_negatives(nums)` that returns how many numbers in `nums` are below zero.",
     """
def count_negatives(nums):
    for n in nums:
        if n < 0:
            count += 1
    return count
""", """
def count_negatives(nums):
    count = 0
    for n in nums:
        if n < 0:
            count += 1
    return count
""",
     [("count_negatives([-1, 2, -3])", "2"), ("count_negatives([4, 5])", "0"), ("count_negatives([])", "0"),
      ("count_negatives([-5])", "1"), ("count_negatives([0])", "0"), ("count_negatives([-1, -1, -1])", "3"),
      ("count_negatives([1, -1])", "1"), ("count_negatives([-0.5, 0.5])", "1")],
     [0, 1], ("error", "count_negatives([-1, 2, -3])",
              "UnboundLocalError: cannot access local variable 'count' where it is not associated with a value"),
     [2], ["variable_not_initialised"], "one")

item("Row averages",
     "Write `row_averages(grid)` that takes a list of non-empty rows of numbers and returns a list with the average of each row.",
     """
def row_averages(grid):
    averages = []
    total = 0
    for row in grid:
        for x in row:
            total += x
        averages.append(total / len(row))
    return averages
""", """
def row_averages(grid):
    averages = []
    for row in grid:
        total = 0
        for x in row:
            total += x
        averages.append(total / len(row))
    return averages
""",
     [("row_averages([[1, 2], [3, 4]])", "[1.5, 3.5]"), ("row_averages([[5]])", "[5.0]"), ("row_averages([])", "[]"),
      ("row_averages([[0, 0]])", "[0.0]"), ("row_averages([[1], [2], [3]])", "[1.0, 2.0, 3.0]"),
      ("row_averages([[2, 4, 6]])", "[4.0]"), ("row_averages([[-1, 1], [10, 20]])", "[0.0, 15.0]"),
      ("row_averages([[1, 2], [1, 2]])", "[1.5, 1.5]")],
     [0, 1], ("value", "row_averages([[1, 2], [3, 4]])", "[1.5, 5.0]"), [3, 4],
     ["accumulator_not_reset"], "one")

# --------------------------------------------------------------------------------------------
# One bug that needs a multi-token or multi-line change (10)
# --------------------------------------------------------------------------------------------

item("FizzBuzz for one number",
     "Write `fizzbuzz(n)` that returns \"Fizz\" if n is divisible by 3, \"Buzz\" if divisible by 5, \"FizzBuzz\" if divisible by both, and otherwise the number as a string.",
     """
def fizzbuzz(n):
    if n % 3 == 0:
        return "Fizz"
    elif n % 5 == 0:
        return "Buzz"
    elif n % 3 == 0 and n % 5 == 0:
        return "FizzBuzz"
    else:
        return str(n)
""", """
def fizzbuzz(n):
    if n % 3 == 0 and n % 5 == 0:
        return "FizzBuzz"
    elif n % 3 == 0:
        return "Fizz"
    elif n % 5 == 0:
        return "Buzz"
    else:
        return str(n)
""",
     [("fizzbuzz(3)", "'Fizz'"), ("fizzbuzz(15)", "'FizzBuzz'"), ("fizzbuzz(7)", "'7'"), ("fizzbuzz(5)", "'Buzz'"),
      ("fizzbuzz(30)", "'FizzBuzz'"), ("fizzbuzz(1)", "'1'"), ("fizzbuzz(9)", "'Fizz'"), ("fizzbuzz(10)", "'Buzz'"),
      ("fizzbuzz(45)", "'FizzBuzz'"), ("fizzbuzz(22)", "'22'")],
     [0, 1, 2], ("value", "fizzbuzz(15)", "'Fizz'"), [2, 6, 7], ["condition_order"], "multi")

item("Letter grade",
     "Write `letter_grade(score)` for a score from 0 to 100: 90 and above is \"A\", 80-89 \"B\", 70-79 \"C\", 60-69 \"D\", below 60 \"F\".",
     """
def letter_grade(score):
    if score > 90:
        return "A"
    elif score > 80:
        return "B"
    elif score > 70:
        return "C"
    elif score > 60:
        return "D"
    else:
        return "F"
""", """
def letter_grade(score):
    if score >= 90:
        return "A"
    elif score >= 80:
        return "B"
    elif score >= 70:
        return "C"
    elif score >= 60:
        return "D"
    else:
        return "F"
""",
     [("letter_grade(95)", "'A'"), ("letter_grade(90)", "'A'"), ("letter_grade(59)", "'F'"),
      ("letter_grade(100)", "'A'"), ("letter_grade(89)", "'B'"), ("letter_grade(80)", "'B'"),
      ("letter_grade(79)", "'C'"), ("letter_grade(70)", "'C'"), ("letter_grade(60)", "'D'"),
      ("letter_grade(0)", "'F'"), ("letter_grade(65)", "'D'")],
     [0, 1, 2], ("value", "letter_grade(90)", "'B'"), [2, 4, 6, 8], ["wrong_comparison"], "multi")

item("Count vowels",
     "Write `count_vowels(word)` that returns how many vowels (a, e, i, o, u) are in the lowercase string `word`.",
     """
def count_vowels(word):
    count = 0
    for letter in word:
        if letter == "a" or "e" or "i" or "o" or "u":
            count += 1
    return count
""", """
def count_vowels(word):
    count = 0
    for letter in word:
        if letter in "aeiou":
            count += 1
    return count
""",
     [("count_vowels('banana')", "3"), ("count_vowels('sky')", "0"), ("count_vowels('')", "0"),
      ("count_vowels('a')", "1"), ("count_vowels('b')", "0"), ("count_vowels('aeiou')", "5"),
      ("count_vowels('rhythm')", "0"), ("count_vowels('education')", "5"), ("count_vowels('queue')", "4"),
      ("count_vowels('xyz')", "0")],
     [0, 1], ("value", "count_vowels('banana')", "6"), [4], ["or_with_constant"], "multi")

item("Reverse a string",
     "Write `reverse_string(s)` that returns `s` reversed, using a loop (not slicing with [::-1]).",
     """
def reverse_string(s):
    result = ""
    for i in range(len(s), 0, -1):
        result += s[i]
    return result
""", """
def reverse_string(s):
    result = ""
    for i in range(len(s) - 1, -1, -1):
        result += s[i]
    return result
""",
     [("reverse_string('abc')", "'cba'"), ("reverse_string('')", "''"), ("reverse_string('a')", "'a'"),
      ("reverse_string('ab')", "'ba'"), ("reverse_string('racecar')", "'racecar'"),
      ("reverse_string('hello world')", "'dlrow olleh'"), ("reverse_string('12')", "'21'"),
      ("reverse_string('  x')", "'x  '")],
     [0, 1], ("error", "reverse_string('abc')", "IndexError: string index out of range"), [3],
     ["off_by_one_loop_bound"], "multi")

item("Sorted unique values",
     "Write `unique_sorted(values)` that returns a sorted list of the different values in the list, each once.",
     """
def unique_sorted(list):
    unique = list(set(list))
    unique.sort()
    return unique
""", """
def unique_sorted(values):
    unique = list(set(values))
    unique.sort()
    return unique
""",
     [("unique_sorted([3, 1, 3, 2])", "[1, 2, 3]"), ("unique_sorted([])", "[]"), ("unique_sorted([5])", "[5]"),
      ("unique_sorted([2, 2, 2])", "[2]"), ("unique_sorted([-1, -5, 0, -1])", "[-5, -1, 0]"),
      ("unique_sorted([10, 9, 8, 7])", "[7, 8, 9, 10]"), ("unique_sorted([1, 2, 3])", "[1, 2, 3]"),
      ("unique_sorted([0, 0, 1])", "[0, 1]")],
     [0, 1], ("error", "unique_sorted([3, 1, 3, 2])", "TypeError: 'list' object is not callable"), [1, 2],
     ["shadowing_builtin"], "multi")

item("Character counts",
     "Write `char_counts(text)` that returns a dictionary mapping each character of `text` to how many times it occurs.",
     """
def char_counts(text):
    counts = {}
    for ch in text:
        counts[ch] += 1
    return counts
""", """
def char_counts(text):
    counts = {}
    for ch in text:
        counts[ch] = counts.get(ch, 0) + 1
    return counts
""",
     [("char_counts('hello')", "{'h': 1, 'e': 1, 'l': 2, 'o': 1}"), ("char_counts('')", "{}"),
      ("char_counts('a')", "{'a': 1}"), ("char_counts('aaa')", "{'a': 3}"), ("char_counts('abab')", "{'a': 2, 'b': 2}"),
      ("char_counts('a a')", "{'a': 2, ' ': 1}"), ("char_counts('Aa')", "{'A': 1, 'a': 1}"),
      ("char_counts('112')", "{'1': 2, '2': 1}")],
     [0, 1], ("error", "char_counts('hello')", "KeyError: 'h'"), [4], ["dict_counting"], "multi")

item("Capitalise every word",
     "Write `capitalize_words(sentence)` that returns the sentence with the first letter of every word in capitals and the rest lowercase, words separated by single spaces.",
     """
def capitalize_words(sentence):
    words = sentence.split()
    for word in words:
        word = word.capitalize()
    return " ".join(words)
""", """
def capitalize_words(sentence):
    words = sentence.split()
    for i in range(len(words)):
        words[i] = words[i].capitalize()
    return " ".join(words)
""",
     [("capitalize_words('hello world')", "'Hello World'"), ("capitalize_words('')", "''"),
      ("capitalize_words('a')", "'A'"), ("capitalize_words('Python')", "'Python'"),
      ("capitalize_words('the cat sat')", "'The Cat Sat'"), ("capitalize_words('hELLO')", "'Hello'"),
      ("capitalize_words('one  two')", "'One Two'"), ("capitalize_words('x y z')", "'X Y Z'")],
     [0, 1], ("value", "capitalize_words('hello world')", "'hello world'"), [3, 4],
     ["loop_variable_reassignment"], "multi")

item("Swap first and last",
     "Write `swap_ends(items)` that swaps the first and the last element of the list and returns it (lists shorter than 2 are returned unchanged).",
     """
def swap_ends(items):
    if len(items) < 2:
        return items
    items[0] = items[-1]
    items[-1] = items[0]
    return items
""", """
def swap_ends(items):
    if len(items) < 2:
        return items
    items[0], items[-1] = items[-1], items[0]
    return items
""",
     [("swap_ends([1, 2, 3])", "[3, 2, 1]"), ("swap_ends([7])", "[7]"), ("swap_ends([])", "[]"),
      ("swap_ends([1, 2])", "[2, 1]"), ("swap_ends(['a', 'b', 'c', 'd'])", "['d', 'b', 'c', 'a']"),
      ("swap_ends([5, 5])", "[5, 5]"), ("swap_ends([0, 1, 0])", "[0, 1, 0]"),
      ("swap_ends([9, 8, 7, 6, 5])", "[5, 8, 7, 6, 9]"), ("swap_ends([-1, 1])", "[1, -1]")],
     [0, 1], ("value", "swap_ends([1, 2, 3])", "[3, 2, 3]"), [4, 5], ["swap_overwrites_value"], "multi")

item("Days above average",
     "Write `count_above_average(temps)` that returns how many temperatures in the non-empty list `temps` are above the average of the whole list.",
     """
def count_above_average(temps):
    total = 0
    count = 0
    for t in temps:
        total += t
        average = total / len(temps)
        if t > average:
            count += 1
    return count
""", """
def count_above_average(temps):
    total = 0
    count = 0
    for t in temps:
        total += t
    average = total / len(temps)
    for t in temps:
        if t > average:
            count += 1
    return count
""",
     [("count_above_average([10, 20, 30])", "1"), ("count_above_average([5, 5])", "0"),
      ("count_above_average([7])", "0"), ("count_above_average([1, 2, 3, 4])", "2"),
      ("count_above_average([-5, 5])", "1"), ("count_above_average([0, 0, 0, 9])", "1"),
      ("count_above_average([3, 1])", "1"), ("count_above_average([100, 0, 0, 0])", "1"),
      ("count_above_average([2, 4, 6, 8, 10])", "2")],
     [0, 1], ("value", "count_above_average([10, 20, 30])", "3"), [6], ["misplaced_statement"], "multi")

item("Diagonal matrix",
     "Write `diagonal(n, value)` that returns an n x n matrix (a list of n lists) with `value` on the main diagonal and 0 everywhere else.",
     """
def diagonal(n, value):
    matrix = [[0] * n] * n
    for i in range(n):
        matrix[i][i] = value
    return matrix
""", """
def diagonal(n, value):
    matrix = [[0] * n for i in range(n)]
    for i in range(n):
        matrix[i][i] = value
    return matrix
""",
     [("diagonal(2, 1)", "[[1, 0], [0, 1]]"), ("diagonal(1, 7)", "[[7]]"), ("diagonal(0, 5)", "[]"),
      ("diagonal(3, 9)", "[[9, 0, 0], [0, 9, 0], [0, 0, 9]]"), ("diagonal(2, -1)", "[[-1, 0], [0, -1]]"),
      ("diagonal(4, 2)", "[[2, 0, 0, 0], [0, 2, 0, 0], [0, 0, 2, 0], [0, 0, 0, 2]]"), ("diagonal(1, 0)", "[[0]]"),
      ("diagonal(3, 1)", "[[1, 0, 0], [0, 1, 0], [0, 0, 1]]")],
     [0, 1], ("value", "diagonal(2, 1)", "[[1, 1], [1, 1]]"), [2], ["list_aliasing"], "multi")

# --------------------------------------------------------------------------------------------
# Two separate small bugs (10)
# --------------------------------------------------------------------------------------------

item("Position of the smallest number",
     "Write `index_of_min(nums)` that returns the position (index) of the smallest number in a non-empty list. If the smallest number appears more than once, return its first position.",
     """
def index_of_min(nums):
    smallest = nums[0]
    index = 0
    for i in range(len(nums)):
        if nums[i] <= smallest:
            smallest = nums[i]
            index = i
    return smallest
""", """
def index_of_min(nums):
    smallest = nums[0]
    index = 0
    for i in range(len(nums)):
        if nums[i] < smallest:
            smallest = nums[i]
            index = i
    return index
""",
     [("index_of_min([4, 2, 7])", "1"), ("index_of_min([3, 8, 3])", "0"), ("index_of_min([9])", "0"),
      ("index_of_min([1, 2, 3])", "0"), ("index_of_min([3, 2, 1])", "2"), ("index_of_min([-1, -5, -5])", "1"),
      ("index_of_min([0, 0])", "0"), ("index_of_min([2, 7, 2, 7])", "0"), ("index_of_min([10, 3, 8, 3, 1])", "4"),
      ("index_of_min([6, 5])", "1")],
     [0, 1], ("value", "index_of_min([4, 2, 7])", "2"), [5, 8], ["wrong_comparison", "wrong_variable"], "two")

item("Sum of multiples of 3 or 5",
     "Write `sum_multiples(n)` that returns the sum of all the numbers below `n` that are multiples of 3 or of 5.",
     """
def sum_multiples(n):
    total = 0
    for i in range(n + 1):
        if i % 3 == 0 and i % 5 == 0:
            total += i
    return total
""", """
def sum_multiples(n):
    total = 0
    for i in range(n):
        if i % 3 == 0 or i % 5 == 0:
            total += i
    return total
""",
     [("sum_multiples(10)", "23"), ("sum_multiples(16)", "60"), ("sum_multiples(0)", "0"), ("sum_multiples(1)", "0"),
      ("sum_multiples(3)", "0"), ("sum_multiples(4)", "3"), ("sum_multiples(6)", "8"), ("sum_multiples(15)", "45"),
      ("sum_multiples(20)", "78"), ("sum_multiples(100)", "2318")],
     [0, 1], ("value", "sum_multiples(10)", "0"), [3, 4], ["off_by_one_loop_bound", "and_or_confusion"], "two")

item("Digits of a number",
     "Write `digits_of(n)` that returns the digits of the non-negative integer `n` as a list of integers.",
     """
def digits_of(n):
    digits = []
    for d in n:
        digits.append(d)
    return digits
""", """
def digits_of(n):
    digits = []
    for d in str(n):
        digits.append(int(d))
    return digits
""",
     [("digits_of(1234)", "[1, 2, 3, 4]"), ("digits_of(7)", "[7]"), ("digits_of(0)", "[0]"), ("digits_of(10)", "[1, 0]"),
      ("digits_of(999)", "[9, 9, 9]"), ("digits_of(105)", "[1, 0, 5]"), ("digits_of(2026)", "[2, 0, 2, 6]"),
      ("digits_of(5000)", "[5, 0, 0, 0]")],
     [0, 1], ("error", "digits_of(1234)", "TypeError: 'int' object is not iterable"), [3, 4],
     ["str_int_conversion", "str_int_conversion"], "two")

item("Prime check",
     "Write `is_prime(n)` that returns True if the integer `n` is a prime number, otherwise False (numbers below 2 are not prime).",
     """
def is_prime(n):
    for i in range(2, n):
        if n % i == 0:
            return False
        else:
            return True
""", """
def is_prime(n):
    if n < 2:
        return False
    for i in range(2, n):
        if n % i == 0:
            return False
    return True
""",
     [("is_prime(7)", "True"), ("is_prime(9)", "False"), ("is_prime(2)", "True"), ("is_prime(0)", "False"),
      ("is_prime(1)", "False"), ("is_prime(3)", "True"), ("is_prime(4)", "False"), ("is_prime(15)", "False"),
      ("is_prime(17)", "True"), ("is_prime(25)", "False"), ("is_prime(13)", "True"), ("is_prime(-3)", "False")],
     [0, 1, 2], ("value", "is_prime(9)", "True"), [2, 5, 6], ["return_inside_loop", "missing_special_case"], "two")

item("Most common word",
     "Write `most_common(words)` that returns the word that appears most often in the list (if there is a tie, the one that appears first; None for an empty list).",
     """
def most_common(words):
    counts = {}
    for w in words:
        counts[w] = counts.get(w) + 1
    best = None
    best_count = 0
    for w in counts:
        if counts[w] > best_count:
            best = w
    return best
""", """
def most_common(words):
    counts = {}
    for w in words:
        counts[w] = counts.get(w, 0) + 1
    best = None
    best_count = 0
    for w in counts:
        if counts[w] > best_count:
            best = w
            best_count = counts[w]
    return best
""",
     [("most_common(['a', 'b', 'a'])", "'a'"), ("most_common(['x', 'y', 'y'])", "'y'"), ("most_common([])", "None"),
      ("most_common(['z'])", "'z'"), ("most_common(['p', 'q'])", "'p'"),
      ("most_common(['cat', 'dog', 'dog', 'cat', 'cat'])", "'cat'"), ("most_common(['one', 'two', 'two'])", "'two'"),
      ("most_common(['b', 'a', 'a', 'b'])", "'b'"), ("most_common(['hi', 'hi', 'bye'])", "'hi'"),
      ("most_common(['a', 'b', 'c', 'c'])", "'c'")],
     [0, 1], ("error", "most_common(['a', 'b', 'a'])", "TypeError: unsupported operand type(s) for +: 'NoneType' and 'int'"),
     [4, 9], ["dict_counting", "variable_not_updated"], "two")

item("Second largest",
     "Write `second_largest(nums)` that returns the second largest number in a list of at least two different numbers (no repeats), without sorting.",
     """
def second_largest(nums):
    largest = 0
    second = 0
    for n in nums:
        if n > largest:
            largest = n
        elif n > second:
            second = n
    return second
""", """
def second_largest(nums):
    largest = float("-inf")
    second = float("-inf")
    for n in nums:
        if n > largest:
            second = largest
            largest = n
        elif n > second:
            second = n
    return second
""",
     [("second_largest([3, 9, 5])", "5"), ("second_largest([1, 2])", "1"), ("second_largest([-4, -2, -9])", "-4"),
      ("second_largest([10, 20, 30])", "20"), ("second_largest([30, 20, 10])", "20"), ("second_largest([5, -5])", "-5"),
      ("second_largest([-1, -2])", "-2"), ("second_largest([0, 100])", "0"), ("second_largest([7, 3, 9, 1])", "7"),
      ("second_largest([2, 1])", "1")],
     [0, 1, 2], ("value", "second_largest([1, 2])", "0"), [2, 3, 6],
     ["wrong_initial_value", "variable_not_updated"], "two")

item("Average without the lowest score",
     "Write `average_without_lowest(scores)` that drops the lowest score (once) from a list of at least two scores and returns the average of the rest.",
     """
def average_without_lowest(scores):
    lowest = min(scores)
    total = sum(scores) - min
    return total / len(scores)
""", """
def average_without_lowest(scores):
    lowest = min(scores)
    total = sum(scores) - lowest
    return total / (len(scores) - 1)
""",
     [("average_without_lowest([50, 80, 90])", "85.0"), ("average_without_lowest([10, 10])", "10.0"),
      ("average_without_lowest([0, 100])", "100.0"), ("average_without_lowest([70, 70, 70])", "70.0"),
      ("average_without_lowest([1, 2, 3, 4])", "3.0"), ("average_without_lowest([90, 40, 80, 60])", "76.66666666666667"),
      ("average_without_lowest([5, 6])", "6.0"), ("average_without_lowest([-10, 10, 20])", "15.0"),
      ("average_without_lowest([3, 1, 2])", "2.5")],
     [0, 1], ("error", "average_without_lowest([50, 80, 90])",
              "TypeError: unsupported operand type(s) for -: 'int' and 'builtin_function_or_method'"),
     [3, 4], ["wrong_variable", "off_by_one_divisor"], "two")

item("Phrase palindrome",
     "Write `is_phrase_palindrome(phrase)` that returns True if the phrase reads the same backwards when you ignore spaces and upper/lower case.",
     """
def is_phrase_palindrome(phrase):
    phrase = phrase.lower
    phrase.replace(" ", "")
    return phrase == phrase[::-1]
""", """
def is_phrase_palindrome(phrase):
    phrase = phrase.lower()
    phrase = phrase.replace(" ", "")
    return phrase == phrase[::-1]
""",
     [("is_phrase_palindrome('Never odd or even')", "True"), ("is_phrase_palindrome('Race car')", "True"),
      ("is_phrase_palindrome('hello')", "False"), ("is_phrase_palindrome('')", "True"),
      ("is_phrase_palindrome('a')", "True"), ("is_phrase_palindrome('Ab')", "False"),
      ("is_phrase_palindrome('Aa')", "True"), ("is_phrase_palindrome('taco cat')", "True"),
      ("is_phrase_palindrome('no lemon no melon')", "True"), ("is_phrase_palindrome('abc cba x')", "False"),
      ("is_phrase_palindrome('A man a plan a canal Panama')", "True")],
     [0, 1, 2], ("error", "is_phrase_palindrome('Never odd or even')",
                 "AttributeError: 'builtin_function_or_method' object has no attribute 'replace'"),
     [2, 3], ["missing_call_parentheses", "string_method_result_ignored"], "two")

item("Count passes and fails",
     "Write `count_pass_fail(scores)` that returns a list [number of passing scores, number of failing scores]. A score of 50 or more passes.",
     """
def count_pass_fail(scores):
    passed = 0
    failed = 1
    for s in scores:
        if s > 50:
            passed += 1
        elif s < 50:
            failed += 1
    return [passed, failed]
""", """
def count_pass_fail(scores):
    passed = 0
    failed = 0
    for s in scores:
        if s >= 50:
            passed += 1
        elif s < 50:
            failed += 1
    return [passed, failed]
""",
     [("count_pass_fail([80, 40, 65])", "[2, 1]"), ("count_pass_fail([50, 20])", "[1, 1]"),
      ("count_pass_fail([])", "[0, 0]"), ("count_pass_fail([50])", "[1, 0]"), ("count_pass_fail([49])", "[0, 1]"),
      ("count_pass_fail([100, 100])", "[2, 0]"), ("count_pass_fail([0, 0, 0])", "[0, 3]"),
      ("count_pass_fail([51, 50, 49])", "[2, 1]"), ("count_pass_fail([75])", "[1, 0]")],
     [0, 1], ("value", "count_pass_fail([80, 40, 65])", "[2, 2]"), [3, 5],
     ["wrong_accumulator_start", "wrong_comparison"], "two")

item("Reverse the words",
     "Write `reverse_words(sentence)` that returns the words of `sentence` in reverse order, separated by single spaces.",
     """
def reverse_words(sentence):
    words = sentence.split()
    words = words.reverse()
    return "".join(words)
""", """
def reverse_words(sentence):
    words = sentence.split()
    words.reverse()
    return " ".join(words)
""",
     [("reverse_words('one two three')", "'three two one'"), ("reverse_words('hi')", "'hi'"),
      ("reverse_words('')", "''"), ("reverse_words('a b')", "'b a'"), ("reverse_words('  spaced   out  ')", "'out spaced'"),
      ("reverse_words('Hello, world!')", "'world! Hello,'"), ("reverse_words('x y z w')", "'w z y x'"),
      ("reverse_words('same same')", "'same same'")],
     [0, 1], ("error", "reverse_words('one two three')", "TypeError: can only join an iterable"), [3, 4],
     ["using_method_none_result", "wrong_separator"], "two")

# --------------------------------------------------------------------------------------------

VALUE_CLOSINGS = [
    "When I run `{call}` I expect `{exp}` but I get `{act}`. Why doesn't this work?",
    "`{call}` should return `{exp}`, but my function returns `{act}`. What am I doing wrong?",
    "I tested it with `{call}` and got `{act}` instead of `{exp}`. I don't understand why.",
    "For `{call}` I get `{act}`, but the answer should be `{exp}`. Can you help me find the mistake?",
    "the checker says `{call}` should be `{exp}` but mine gives `{act}`?? i've gone over it so many times",
    "When I call `{call}` it gives me `{act}`. I was expecting `{exp}`. Where is my bug?",
    "I think my logic is right, but `{call}` returns `{act}` and not `{exp}`. What's going on?",
]
ERROR_CLOSINGS = [
    "When I run `{call}` I get this error:\n```\n{tb}\n```\nWhat's wrong?",
    "I get an error when I try `{call}`:\n```\n{tb}\n```\nI don't get what it means.",
    "`{call}` crashes with this:\n```\n{tb}\n```\nHow do I fix it?",
    "It should give `{exp}` for `{call}`, but instead it crashes:\n```\n{tb}\n```\nWhy?",
    "i keep getting this when i run `{call}`\n```\n{tb}\n```\nwhat does it mean??",
]
SYNTAX_CLOSING = "I can't even run it, I get this:\n```\n{tb}\n```\nWhat's wrong with that line?"
HANG_CLOSING = ("When I run `{call}` nothing happens, it just keeps running until I press Ctrl+C. "
                "It should return `{exp}`. Is my loop wrong?")
STDOUT_CLOSING = ("When I run `print({call})` I get this:\n```\n{out}```\nWhere does the None come from? "
                  "The checker says my function returns None instead of `{exp}`.")

HARNESS = r'''
import sys, json, io, signal, contextlib, resource
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
sys.setrecursionlimit(1000)
job = json.loads(sys.stdin.read())
class Hang(BaseException):
    pass
def on_alarm(signum, frame):
    raise Hang()
signal.signal(signal.SIGALRM, on_alarm)
out = []
for call, expected in job["calls"]:
    ns = {"__name__": "__main__"}
    buf = io.StringIO()
    res = {}
    try:
        signal.setitimer(signal.ITIMER_REAL, job["timeout"])
        with contextlib.redirect_stdout(buf):
            exec(job["code"], ns)
            value = eval(call, ns)
        signal.setitimer(signal.ITIMER_REAL, 0)
        r = repr(value)
        res["repr"] = r
        if r == expected:
            res["status"] = "ok"
        else:
            try:
                import ast
                same = value == ast.literal_eval(expected)
            except Exception:
                same = False
            res["status"] = "equal" if same else "wrong"
    except Hang:
        res["status"] = "timeout"
    except BaseException as e:
        signal.setitimer(signal.ITIMER_REAL, 0)
        res["status"] = "error"
        res["exc"] = type(e).__name__ + ": " + str(e)
    out.append(res)
print(json.dumps(out))
'''


def run_calls(code: str, calls: list[tuple[str, str]]) -> list[dict]:
    job = json.dumps({"code": code, "calls": calls, "timeout": CALL_TIMEOUT})
    p = subprocess.run([sys.executable, "-I", "-c", HARNESS], input=job, capture_output=True, text=True,
                       timeout=10 + 2 * CALL_TIMEOUT * len(calls))
    if p.returncode != 0:
        raise SystemExit(f"harness failed:\n{p.stderr}")
    return json.loads(p.stdout)


def run_script(code: str, call: str | None) -> dict:
    """Run code + print(call) as main.py; return stdout, stderr (directory stripped) or timeout."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "main.py")
        src = code + "\n\n\n" + (f"print({call})\n" if call else "")
        with open(path, "w") as f:
            f.write(src)
        try:
            p = subprocess.run([sys.executable, "-I", "main.py"], cwd=tmp, capture_output=True, text=True,
                               timeout=SCRIPT_TIMEOUT)
        except subprocess.TimeoutExpired:
            return {"timeout": True}
        err = p.stderr.replace(f'"{path}"', '"main.py"').replace(tmp + os.sep, "")
        return {"timeout": False, "stdout": p.stdout, "stderr": err.rstrip("\n"), "rc": p.returncode}


def diff_lines(code: str, fix: str):
    """Lines of code replaced or deleted by the fix, and the insertion points (neighbour pairs)."""
    a, b = code.split("\n"), fix.split("\n")
    changed, inserts = set(), []
    for tag, i1, i2, _j1, _j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("replace", "delete"):
            changed.update(range(i1 + 1, i2 + 1))
        elif tag == "insert":
            inserts.append({n for n in (i1, i1 + 1) if 1 <= n <= len(a)})
    return changed, inserts


def build(check_only: bool) -> None:
    errors: list[str] = []
    n_syntax = 0
    rng = random.Random(20261207)
    order = list(range(len(ITEMS)))
    rng.shuffle(order)
    rows = []
    vi = ei = 0
    for k, idx in enumerate(order, 1):
        it = ITEMS[idx]
        tag = f"novice-{k:03d} ({it['problem']})"
        code, fix = it["code"], it["fix"]
        tests = it["tests"]
        calls = [c for c, _ in tests]
        expected = dict(tests)
        kind, qcall, quoted = it["ask"]

        def err(msg, tag=tag):
            errors.append(f"{tag}: {msg}")

        # shape
        if not 8 <= len(tests) <= 12:
            err(f"{len(tests)} tests")
        if len(set(calls)) != len(calls):
            err("duplicate test call")
        if not 2 <= len(it["examples"]) <= 3:
            err("need 2-3 examples")
        for s in (code, fix):
            n = len(s.split("\n"))
            if not 4 <= n <= 20:
                err(f"function has {n} lines")
        for c, e in tests:
            try:
                v = ast.literal_eval(e)
            except Exception:
                err(f"expected_output not a literal: {e!r}")
                continue
            if repr(v) != e:
                err(f"expected_output {e!r} does not round-trip (repr gives {v!r})")
            try:
                ast.literal_eval(c[c.index("("):])
            except Exception:
                err(f"call arguments are not literals: {c}")
        # parse
        try:
            ast.parse(code)
            syntax_bug = False
        except SyntaxError:
            syntax_bug = True
            n_syntax += 1
        if syntax_bug != (kind == "syntax"):
            err("SyntaxError in code but the question does not quote it (or vice versa)")
        try:
            ast.parse(fix)
        except SyntaxError as e:
            err(f"fix does not parse: {e}")
        # bug lines vs diff
        changed, inserts = diff_lines(code, fix)
        bl = set(it["bug_lines"])
        allowed = changed.union(*inserts) if inserts else set(changed)
        if not changed <= bl or any(not (ins & bl) for ins in inserts) or not bl <= allowed:
            err(f"bug_lines {sorted(bl)} vs diff: changed {sorted(changed)}, inserts {[sorted(s) for s in inserts]}")
        if code == fix:
            err("fix equals code")
        # runs
        fres = run_calls(fix, tests)
        for (c, e), r in zip(tests, fres, strict=True):
            if r["status"] != "ok":
                err(f"FIX fails {c}: expected {e}, got {r}")
        bres = run_calls(code, tests)
        failing = {c for (c, _), r in zip(tests, bres, strict=True) if r["status"] in ("wrong", "error", "timeout")}
        if not failing:
            err("buggy code passes every test")
        ex_calls = [calls[i] for i in it["examples"]]
        if not set(ex_calls) & failing:
            err("buggy code passes every example")
        bmap = dict(zip(calls, bres, strict=True))
        # quoted behaviour
        if kind != "syntax":
            if qcall not in expected:
                err(f"quoted call {qcall} is not a test")
                continue
            if qcall not in failing:
                err(f"quoted call {qcall} does not fail")
        exp = expected.get(qcall)
        sc = run_script(code, qcall if kind != "syntax" else ex_calls[0])
        if kind == "value":
            r = bmap[qcall]
            if r.get("repr") != quoted:
                err(f"quoted actual {quoted} but the run gives {r}")
            closing = VALUE_CLOSINGS[vi % len(VALUE_CLOSINGS)].format(call=qcall, exp=exp, act=quoted)
            vi += 1
        elif kind in ("error", "syntax"):
            if sc["timeout"] or sc["rc"] == 0:
                err(f"script did not fail: {sc}")
                continue
            last = sc["stderr"].split("\n")[-1]
            if last != quoted:
                err(f"quoted error {quoted!r} but the run ends with {last!r}")
            if not sc["stderr"].startswith("Traceback" if kind == "error" else '  File "main.py"'):
                err(f"unexpected stderr: {sc['stderr'][:200]}")
            if kind == "error":
                if bmap[qcall].get("exc") != quoted:
                    err(f"harness gives {bmap[qcall]} for the quoted call")
                closing = ERROR_CLOSINGS[ei % len(ERROR_CLOSINGS)].format(call=qcall, exp=exp, tb=sc["stderr"])
                ei += 1
            else:
                closing = SYNTAX_CLOSING.format(tb=sc["stderr"])
        elif kind == "hang":
            if not sc["timeout"] or bmap[qcall]["status"] != "timeout":
                err(f"quoted call does not hang: {sc} {bmap[qcall]}")
            closing = HANG_CLOSING.format(call=qcall, exp=exp)
        elif kind == "stdout":
            if sc["timeout"] or sc["stdout"] != quoted or sc["rc"] != 0:
                err(f"quoted output {quoted!r} but the run gives {sc}")
            closing = STDOUT_CLOSING.format(call=qcall, out=quoted, exp=exp)
        else:
            err(f"unknown ask kind {kind}")
            continue
        examples = "\n".join(f"{calls[i]}  ->  {tests[i][1]}" for i in it["examples"])
        question = (f"I'm working on this exercise:\nTask: {it['task']}\n\nExamples:\n{examples}\n\n"
                    f"My code:\n```python\n{code}\n```\n\n{closing}")
        if kind != "syntax" and f"`{quoted}`" not in question and kind in ("value",):
            err("quoted value missing from question")
        rows.append({
            "id": f"novice-{k:03d}", "problem": it["problem"], "question": question, "code": code,
            "tests": [{"input": c, "expected_output": e} for c, e in tests], "fix_code": fix,
            "bug_lines": sorted(it["bug_lines"]), "source": SOURCE, "split": "heldout",
            "_kinds": it["kinds"], "_difficulty": it["difficulty"],
        })
    if n_syntax > 3:
        errors.append(f"{n_syntax} items with a SyntaxError (at most 3)")
    if len(ITEMS) != 60:
        errors.append(f"{len(ITEMS)} items, want 60")
    problems = {it["problem"] for it in ITEMS}
    funcs = {it["code"].split("(")[0] for it in ITEMS}
    if len(problems) < 40 or len(funcs) < 40:
        errors.append(f"only {len(problems)} tasks / {len(funcs)} function names")
    if errors:
        print("\n".join(errors), file=sys.stderr)
        raise SystemExit(f"{len(errors)} check(s) failed; nothing written")

    kinds = collections.Counter(k for r in rows for k in set(r["_kinds"]))
    diff = collections.Counter(r["_difficulty"] for r in rows)
    asks = collections.Counter(it["ask"][0] for it in ITEMS)
    print(f"{len(rows)} items, {len(problems)} tasks; difficulty {dict(diff)}; closings {dict(asks)}")
    bugs = collections.Counter(k for r in rows for k in r["_kinds"])
    print(f"bug kinds: {len(kinds)}; items per kind (bugs per kind if different):")
    for k, n in sorted(kinds.items(), key=lambda x: (-x[1], x[0])):
        print(f"  {k:32s} {n}" + (f" ({bugs[k]})" if bugs[k] != n else ""))
    if check_only:
        print("checks passed (--check: not written)")
        return
    with open(OUT, "w") as f:
        for r in rows:
            r = {k: v for k, v in r.items() if not k.startswith("_")}
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="run every check, write nothing")
    build(ap.parse_args().check)
