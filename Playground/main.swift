import RingMQ

print("placeholder")
