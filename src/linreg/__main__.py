"""Chapters 5 to 7 as one program: `python -m linreg` trains the model."""

# --8<-- [start:program]
import torch

_ = torch.manual_seed(0)  # the same "random" numbers on every run

# Data: 10 noisy points on the line y = 2x + 1 (chapter 5)
X = torch.randn(10, 1)
y = X @ torch.tensor([[2.0]]) + 1.0 + torch.randn(10, 1) * 0.1

# Parameters, tracked by autograd (chapter 5)
W = torch.randn(1, 1, requires_grad=True)
b = torch.randn(1, requires_grad=True)

# --8<-- [start:loop]
learning_rate = 0.01
epochs = 200
print(f"Starting Parameters: W={W.item():.3f}, b={b.item():.3f}\n")

for epoch in range(epochs):
    # 1. forward pass
    y_hat = X @ W + b
    # 2. loss: the mean squared error
    loss = torch.mean((y_hat - y) ** 2)
    # 3. backward pass: fills W.grad, b.grad
    loss.backward()
    # 4. update, not part of the model
    with torch.no_grad():
        W -= learning_rate * W.grad
        b -= learning_rate * b.grad
    # 5. reset: backward() adds to .grad
    W.grad = None
    b.grad = None
    if epoch % 10 == 0:
        print(
            f"Epoch {epoch:02d}: Loss={loss.item():.4f}, "
            f"W={W.item():.3f}, b={b.item():.3f}"
        )

print(f"\nFinal Parameters: W={W.item():.3f}, b={b.item():.3f}")
print("True Parameters:  W=2.000, b=1.000")
# --8<-- [end:loop]
# --8<-- [end:program]
