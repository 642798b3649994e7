"""Staff dashboards of an edition: bounded aggregations (`queries`, `incubator`), server-side SVG charts (`charts`),
numbers in the viewer's locale (`formats`) and the pages (`routes`)."""
