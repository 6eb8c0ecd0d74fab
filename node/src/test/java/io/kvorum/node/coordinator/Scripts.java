package io.kvorum.node.coordinator;

import java.util.ArrayList;
import java.util.List;

/** Builders of reply scripts for the coordinator tests: every order, duplicates, cut-off points. */
final class Scripts {
    private Scripts() {}

    /** Every ordering of {@code items} (n! lists). */
    static <T> List<List<T>> permutations(List<T> items) {
        if (items.isEmpty()) {
            return List.of(List.of());
        }
        List<List<T>> result = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            List<T> rest = new ArrayList<>(items);
            T first = rest.remove(i);
            for (List<T> tail : permutations(rest)) {
                List<T> one = new ArrayList<>();
                one.add(first);
                one.addAll(tail);
                result.add(one);
            }
        }
        return result;
    }

    /**
     * {@code order} as delivered by a network that duplicates: as is, each event twice in a row, the
     * whole sequence twice, and with {@code stranger} (a node not asked) interleaved before each event.
     */
    static <T> List<List<T>> withDuplicates(List<T> order, T stranger) {
        List<T> doubledInPlace = new ArrayList<>();
        List<T> withStrangers = new ArrayList<>();
        for (T event : order) {
            doubledInPlace.add(event);
            doubledInPlace.add(event);
            withStrangers.add(stranger);
            withStrangers.add(event);
        }
        List<T> repeated = new ArrayList<>(order);
        repeated.addAll(order);
        return List.of(order, doubledInPlace, repeated, withStrangers);
    }

    /** {@code order} cut short by {@code cut} before each of its events (the last one included), nothing after it. */
    static <T> List<List<T>> cutBeforeEveryEvent(List<T> order, T cut) {
        List<List<T>> result = new ArrayList<>();
        for (int at = 0; at < order.size(); at++) {
            List<T> one = new ArrayList<>(order.subList(0, at));
            one.add(cut);
            result.add(one);
        }
        return result;
    }
}
