// Tests count open descriptors and set process-wide environment variables: run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
