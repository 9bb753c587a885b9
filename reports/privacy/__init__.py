"""Personal data as UU 27/2022 (PDP) requires: who saw what, the retention schedule, requests from the people
concerned, and the record of processing (issue #26, points 2-6). App label `privacy`; it sits above intake and
screening (it reads their rows) and nothing below imports it."""
