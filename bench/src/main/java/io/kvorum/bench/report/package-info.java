/**
 * Results as records and their three renderings: the human table, the JSON file and the
 * self-contained HTML report (inline SVG charts, no external URLs).
 */
package io.kvorum.bench.report;
