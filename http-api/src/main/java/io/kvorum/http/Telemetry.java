package io.kvorum.http;

import com.codahale.metrics.MetricRegistry;

/**
 * Where an exchange reports itself once answered: the Dropwizard registry ({@code /metrics} JSON),
 * the Prometheus request histogram and the request log. One per node, shared by every event loop.
 */
record Telemetry(MetricRegistry registry, PrometheusExposition prometheus, RequestLog requestLog) {}
