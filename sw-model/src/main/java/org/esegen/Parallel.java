package org.esegen;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/** An ordered parallel map: results in the order of the inputs, whatever the thread count. */
public final class Parallel {
    private Parallel() {
    }

    /**
     * {@code f} applied to every item on {@code threads} threads; the first failure is rethrown as it
     * was (an {@link EsegenException} stays one).
     */
    public static <I, O> List<O> map(List<I> items, int threads, Function<I, O> f) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        try {
            List<Future<O>> jobs = new ArrayList<>();
            for (I item : items) {
                jobs.add(pool.submit(() -> f.apply(item)));
            }
            List<O> out = new ArrayList<>();
            for (Future<O> job : jobs) {
                out.add(job.get());
            }
            return out;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EsegenException("interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }
}
