"""Self-checks for the book's exercises, one module per chapter.

In a notebook: ``from pmcj.checks import ch07`` then ``ch07.ex7_1(answer)``.
"""
