package io.kvorum.bench.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Picks each operation with its workload proportion, exactly as YCSB's {@code DiscreteGenerator}
 * walks its weights (read, update, insert, read-modify-write). One per worker; not thread-safe.
 */
public final class OperationChooser {

    private record Weighted(Operation operation, double weight) {
    }

    private final List<Weighted> weights = new ArrayList<>();
    private final double sum;
    private final RandomGenerator random;

    /** A chooser over {@code spec}'s proportions (zero ones are left out, as YCSB does). */
    public OperationChooser(WorkloadSpec spec, RandomGenerator random) {
        add(Operation.READ, spec.readProportion());
        add(Operation.UPDATE, spec.updateProportion());
        add(Operation.INSERT, spec.insertProportion());
        add(Operation.READ_MODIFY_WRITE, spec.readModifyWriteProportion());
        this.sum = weights.stream().mapToDouble(Weighted::weight).sum();
        this.random = random;
    }

    private void add(Operation operation, double weight) {
        if (weight > 0) {
            weights.add(new Weighted(operation, weight));
        }
    }

    /** The next operation. */
    public Operation next() {
        double chooser = random.nextDouble();
        for (Weighted weighted : weights) {
            double share = weighted.weight() / sum;
            if (chooser < share) {
                return weighted.operation();
            }
            chooser -= share;
        }
        return weights.get(weights.size() - 1).operation(); // rounding left a sliver past the last share
    }
}
