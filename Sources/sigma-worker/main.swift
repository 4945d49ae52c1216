print("sigma-worker")
