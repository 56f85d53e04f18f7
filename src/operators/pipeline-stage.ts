/**
 * Makes a step of the analysis a pipeline stage: calls queue in the order they are made and run
 * one at a time, each once its input has resolved and the previous call has finished. The input is
 * a promise so that a batch takes its place in every stage's queue when it enters the analysis:
 * a stateful step (tracking, clustering, tagging) then sees batches in order while the next batch
 * is already in an earlier stage. A failed call fails only its own batch.
 *
 * @example const locate = pipelineStage(locator), identify = pipelineStage(identifier);
 *          const identified = identify(locate(Promise.resolve(frames)));
 */
export function pipelineStage<A, R>(step: (input: A) => Promise<R> | R): (input: Promise<A>) => Promise<R> {
  let previous: Promise<unknown> = Promise.resolve();
  return (input) => {
    const result = Promise.all([input, previous]).then(([value]) => step(value));
    previous = result.catch(() => undefined);
    return result;
  };
}
