print("fal-standin")
