// Tests count open descriptors, block signals and change process-wide state: run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
