"""Big files in one place: cutting a file into ranges or pieces, and joining the parts written from them.

``ranges`` cuts an IATI XML file at activity start tags into byte ranges that workers take one each,
each framed as a whole file whose lines map back to the file's; ``json_ranges`` cuts the JSON record
layout between activity lines; ``pieces`` cuts a file into small pieces that the validator parses in
a helper thread; ``join`` puts the parts that workers wrote back together into the file one pass
writes. Validating or converting a range is not done here (``validate.ranges``,
``batch._convert_ranges``): this package reads and writes bytes only, sits below the formats and the
validator, and imports neither.
"""

__all__ = ["join", "json_ranges", "pieces", "ranges"]
