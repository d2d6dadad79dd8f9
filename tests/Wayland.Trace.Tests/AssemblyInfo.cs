// Every test here counts this process's open descriptors before and after, and starts programs whose pipes would
// look like leaks to another test running at the same time: they run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
