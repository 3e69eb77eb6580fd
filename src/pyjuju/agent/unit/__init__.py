"""The unit agent ("uniter"): remote state in, next operation out, run it, persist.

:mod:`.resolver` is a pure function from (local state, remote view, clock
facts) to the next operation; :mod:`.uniter` executes operations through
prepare → execute → commit, saving :mod:`.state` between steps so that a
crash at any point resumes correctly.
"""
