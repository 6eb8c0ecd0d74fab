package io.kvorum.config;

/**
 * What is wrong with one raw value (for example {@code 'abc' is not an integer}), before the key and
 * the source are known; {@link ConfigKey} turns it into a {@link ConfigException}.
 */
final class ValueProblem extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ValueProblem(String problem) {
        super(problem, null, false, false);
    }
}
